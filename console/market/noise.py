"""Stable seeds and counter-based random numbers for the simulated market.

Why not Python's ``hash()`` or one shared generator: ``hash()`` of a string is salted per process, and a
shared stream makes one symbol's tape depend on which other symbols exist. Everything random in the sim is
keyed instead by a stable 64-bit hash of (seed, symbol, purpose), so the same inputs give the same numbers
in every process, and any piece (one symbol, one day of history, one option contract) can be generated on
its own, in any order, and come out the same.

``uniforms``/``normals`` are counter-based (splitmix64 of key + counter, vectorised in numpy): the value
at a counter depends on nothing else, which is what lets ``sim_history`` produce a sub-range that is
bit-for-bit the slice of a larger range.
"""

from __future__ import annotations

import hashlib

import numpy as np
from scipy.special import ndtri

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def stable_key(*parts: object) -> int:
    """A 64-bit integer from the ``str()`` of each part; identical in every process and platform."""
    text = "\x1f".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def generator(*parts: object) -> np.random.Generator:
    """A PCG64 generator seeded from ``stable_key(*parts)``."""
    return np.random.Generator(np.random.PCG64(stable_key(*parts)))


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def random_bits(key: int, counters: np.ndarray) -> np.ndarray:
    """64 random bits (``uint64``) per counter; the same (key, counter) always gives the same bits.

    Args:
        key: a ``stable_key`` naming the stream.
        counters: non-negative integers (any shape).
    """
    with np.errstate(over="ignore"):
        return _splitmix64(
            np.asarray(counters, dtype=np.uint64) ^ _splitmix64(np.array(key, dtype=np.uint64))
        )


def uniforms(key: int, counters: np.ndarray) -> np.ndarray:
    """Uniforms in the open interval (0, 1), one per counter; the same (key, counter) always gives the same.

    Args:
        key: a ``stable_key`` naming the stream.
        counters: non-negative integers (any shape).
    """
    return ((random_bits(key, counters) >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT


def normals(key: int, counters: np.ndarray) -> np.ndarray:
    """Standard normals, one per counter (inverse normal CDF of ``uniforms``)."""
    return np.asarray(ndtri(uniforms(key, counters)), dtype=np.float64)
