"""Feed random and mutated packets to perineo.protocol's decoders; only ProtocolError may escape.

    python benchmarks/protocol_fuzz.py [--n 100000] [--seed 1]

Prints how many inputs decoded, how many raised ProtocolError, and any other exception
(the run fails with exit code 1 if there is one).
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

import numpy as np

from perineo.errors import ProtocolError
from perineo.protocol import decode_command, decode_packet, decode_status

VECTORS = Path(__file__).resolve().parents[1] / "tests" / "vectors"


def _seeds() -> list[bytes]:
    out: list[bytes] = []
    for name in ("stream_packets.json", "control_commands.json", "status.json"):
        out += [bytes.fromhex(v["hex"]) for v in json.loads((VECTORS / name).read_text())["valid"]]
    return out


def _mutate(rng: np.random.Generator, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(int(rng.integers(1, 4))):
        op = int(rng.integers(0, 5))
        if op == 0 and data:  # flip a bit
            i = int(rng.integers(len(data)))
            data[i] ^= 1 << int(rng.integers(8))
        elif op == 1 and data:  # replace a byte
            data[int(rng.integers(len(data)))] = int(rng.integers(256))
        elif op == 2:  # truncate
            data = data[: int(rng.integers(len(data) + 1))]
        elif op == 3:  # append
            data += rng.bytes(int(rng.integers(1, 8)))
        else:  # duplicate a slice
            i = int(rng.integers(len(data) + 1))
            data = data[:i] + data[i // 2 : i] + data[i:]
    return bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="inputs (half random, half mutated)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    seeds = _seeds()
    counts: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for i in range(args.n):
        if i % 2:
            data = _mutate(rng, seeds[int(rng.integers(len(seeds)))])
            kind = "mutated"
        else:
            data = rng.bytes(int(rng.integers(0, 520)))
            kind = "random"
        for decoder in (decode_packet, decode_command, decode_status):
            try:
                decoder(data)
                counts[f"{kind} {decoder.__name__} decoded"] += 1
            except ProtocolError:
                counts[f"{kind} {decoder.__name__} ProtocolError"] += 1
            except Exception as exc:  # the point is to find these
                counts[f"{kind} {decoder.__name__} OTHER {type(exc).__name__}"] += 1
    elapsed = time.perf_counter() - start
    for key in sorted(counts):
        print(f"{key:48s} {counts[key]:8d}")
    other = sum(v for k, v in counts.items() if " OTHER " in k)
    print(f"{args.n} inputs x 3 decoders in {elapsed:.1f} s; other exceptions: {other}")
    return 1 if other else 0


if __name__ == "__main__":
    raise SystemExit(main())
