"""Stable seeds and counter-based noise: the same in every process, independent of batching."""

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from console.market.noise import generator, normals, stable_key, uniforms


def test_stable_key_is_the_same_in_another_process() -> None:
    code = "from console.market.noise import stable_key; print(stable_key(7, 'AAPL', 'x'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == stable_key(7, "AAPL", "x")


@given(st.integers(0, 2**40), st.lists(st.integers(0, 2**40), min_size=1, max_size=50))
def test_a_counter_gives_the_same_uniform_whatever_else_is_drawn(key: int, counters: list[int]) -> None:
    together = uniforms(key, np.array(counters))
    alone = np.array([uniforms(key, np.array([c]))[0] for c in counters])
    assert np.array_equal(together, alone)
    assert np.all((together > 0) & (together < 1))


def test_normals_look_standard() -> None:
    z = normals(stable_key("test"), np.arange(200_000))
    assert abs(z.mean()) < 0.01
    assert abs(z.std() - 1) < 0.01


def test_generators_draw_the_same_in_one_batch_or_many() -> None:
    one = generator(7, "AAPL").standard_normal((100, 3))
    many = generator(7, "AAPL")
    parts = np.concatenate([many.standard_normal((n, 3)) for n in (1, 30, 69)])
    assert np.array_equal(one, parts)
