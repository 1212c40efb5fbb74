"""10^6 fuzzed BLE packets through the stream path: decode_packet and BleSource's assembler.

    python benchmarks/fuzz.py [--n 1000000] [--seed 1]

A third of the packets are valid (a real stream, so the assembler's sequence and clock state
moves), the rest are mutated (bit flips, replaced, inserted and deleted bytes, truncation,
random lengths) or pure noise. decode_packet may raise only ProtocolError; the assembler may
raise nothing. Prints counts, time, and every unexpected exception; exit code 1 if any.
"""

from __future__ import annotations

import argparse
import collections
import time

import numpy as np

from perineo.errors import ProtocolError
from perineo.protocol import StreamPacket, decode_packet, encode_packet
from perineo.samples import CHANNEL_ORDER, SampleBlock
from perineo.sources.ble_assembler import PacketAssembler


def _valid(seq: int, rate: int, rng: np.random.Generator) -> bytes:
    n = 4
    frames = tuple(
        tuple(int(x) for x in rng.integers(-3000, 3000, len(CHANNEL_ORDER))) for _ in range(n)
    )
    ts = (seq * n * 1_000_000 // rate) % (1 << 32)
    return encode_packet(StreamPacket(seq % 65536, ts, rate, CHANNEL_ORDER, frames))


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    b = bytearray(data)
    for _ in range(int(rng.integers(1, 4))):
        op = int(rng.integers(0, 6))
        if op == 0 and b:
            b[int(rng.integers(len(b)))] ^= 1 << int(rng.integers(8))
        elif op == 1 and b:
            b[int(rng.integers(len(b)))] = int(rng.integers(256))
        elif op == 2:
            b.insert(int(rng.integers(len(b) + 1)), int(rng.integers(256)))
        elif op == 3 and b:
            del b[int(rng.integers(len(b)))]
        elif op == 4:
            del b[int(rng.integers(len(b) + 1)) :]
        else:
            b[0:1] = bytes([int(rng.integers(256))])
    return bytes(b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    asm = PacketAssembler(CHANNEL_ORDER, 0.0)
    outcome: collections.Counter[str] = collections.Counter()
    unexpected: collections.Counter[str] = collections.Counter()
    samples = 0
    seq = 0
    started = time.perf_counter()
    for i in range(args.n):
        kind = int(rng.integers(0, 3))
        if kind == 0:
            data = _valid(seq, 100, rng)
            seq += 1
        elif kind == 1:
            data = _mutate(_valid(seq, 100, rng), rng)
        else:
            data = rng.bytes(int(rng.integers(0, 260)))
        try:
            decode_packet(data)
            outcome["decoded"] += 1
        except ProtocolError:
            outcome["ProtocolError"] += 1
        except Exception as exc:  # counting what must not happen
            unexpected[f"decode_packet: {type(exc).__name__}: {exc}"] += 1
        try:
            for item in asm.feed(data, i * 0.04):
                if isinstance(item, SampleBlock):
                    samples += len(item)
                else:
                    outcome["gaps marked"] += 1
        except Exception as exc:
            unexpected[f"assembler: {type(exc).__name__}: {exc}"] += 1
    took = time.perf_counter() - started
    c = asm.counters
    print(f"{args.n} packets in {took:.1f} s ({args.n / took:,.0f}/s), seed {args.seed}")
    print(f"decode_packet: {outcome['decoded']} decoded, {outcome['ProtocolError']} ProtocolError")
    print(
        f"assembler: {c.packets} packets ({samples} samples) accepted, {c.malformed} malformed,"
        f" {c.duplicates} stale/duplicate, {c.wrong_channels} wrong channels,"
        f" {outcome['gaps marked']} gaps marked"
    )
    print(f"unexpected exceptions: {sum(unexpected.values())}")
    for what, count in unexpected.most_common(10):
        print(f"  {count} x {what}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
