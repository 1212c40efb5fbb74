"""Transition shapes: monotone maps of [0, 1] onto [0, 1], varied so no detector fits one.

Every shape is exactly 0 at u=0 and exactly 1 at u=1, so the ground-truth foot and end of
a rise or fall are the ends of its interval whatever the shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from perineo.samples import FloatArray


class ShapeKind(StrEnum):
    COSINE = "cosine"  # raised cosine: smooth foot and top
    MINJERK = "minjerk"  # minimum-jerk polynomial: how a voluntary movement looks
    EXPONENTIAL = "exponential"  # steep start, slow approach: a first-order muscle response
    SIGMOID = "sigmoid"  # slow foot, steep middle: a hesitant start
    LINEAR = "linear"  # a ramp: the hardest foot for a detector to place late
    SLOW_START = "slow_start"  # minimum jerk of u**param: slow recruitment (never drawn at random)


@dataclass(frozen=True)
class Shape:
    """A transition shape with its parameter (steepness for exponential and sigmoid)."""

    kind: ShapeKind
    param: float = 0.0

    def __call__(self, u: FloatArray) -> FloatArray:
        u = np.clip(u, 0.0, 1.0)
        match self.kind:
            case ShapeKind.COSINE:
                return 0.5 - 0.5 * np.cos(np.pi * u)
            case ShapeKind.MINJERK:
                return u**3 * (10.0 - 15.0 * u + 6.0 * u**2)
            case ShapeKind.EXPONENTIAL:
                lam = self.param
                return (1.0 - np.exp(-lam * u)) / (1.0 - np.exp(-lam))
            case ShapeKind.SIGMOID:
                beta = self.param
                lo = 1.0 / (1.0 + np.exp(beta * 0.5))
                hi = 1.0 / (1.0 + np.exp(-beta * 0.5))
                return (1.0 / (1.0 + np.exp(-beta * (u - 0.5))) - lo) / (hi - lo)
            case ShapeKind.SLOW_START:
                v = u**self.param
                return v**3 * (10.0 - 15.0 * v + 6.0 * v**2)
            case _:
                return u.astype(np.float64, copy=True)


def random_shape(rng: np.random.Generator) -> Shape:
    """Draw a shape; linear ramps are rare because muscles rarely move that way.

    Exponential steepness stays <= 3.5: steeper, the last third of the interval moves the
    pressure by a few percent, and no one (person or detector) could say where it ended.
    """
    kinds = list(ShapeKind)[:5]  # SLOW_START belongs to slow recruitment only
    weights = np.array([0.3, 0.25, 0.2, 0.17, 0.08])
    kind = kinds[int(rng.choice(len(kinds), p=weights))]
    match kind:
        case ShapeKind.EXPONENTIAL:
            return Shape(kind, float(rng.uniform(1.5, 3.5)))
        case ShapeKind.SIGMOID:
            return Shape(kind, float(rng.uniform(6.0, 11.0)))
        case _:
            return Shape(kind)


def bump(u: FloatArray, peak_at: float) -> FloatArray:
    """An up-and-back pulse on [0, 1]: 0 at both ends, 1 at ``peak_at``."""
    u = np.clip(u, 0.0, 1.0)
    up = 0.5 - 0.5 * np.cos(np.pi * np.minimum(u / peak_at, 1.0))
    down_u = np.clip((u - peak_at) / (1.0 - peak_at), 0.0, 1.0)
    down = 0.5 + 0.5 * np.cos(np.pi * down_u)
    return np.where(u <= peak_at, up, down)


def spike(u: FloatArray, peak_at: float = 0.2) -> FloatArray:
    """A cough-like pulse on [0, 1]: fast rise to 1, roughly exponential decay to 0."""
    u = np.clip(u, 0.0, 1.0)
    up = 0.5 - 0.5 * np.cos(np.pi * np.minimum(u / peak_at, 1.0))
    down = decay(np.clip((u - peak_at) / (1.0 - peak_at), 0.0, 1.0))
    return np.where(u <= peak_at, up, down)


def decay(d: FloatArray) -> FloatArray:
    """A roughly exponential fall from 1 at ``d`` = 0 to exactly 0 at ``d`` = 1."""
    return (np.exp(-4.0 * d) - np.exp(-4.0)) / (1.0 - np.exp(-4.0))
