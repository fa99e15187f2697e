"""Benchmark: implied vols and every Greek for a 20,000-contract chain, vectorised vs a per-contract loop.

Run: `.venv/bin/python bench/greeks.py`. Targets (DESIGN.md, "Performance facts"): the vector path under
20 ms for the chain, and at least 50x faster than the plain-Python loop over the same contracts. The loop
runs on a random 1,000-contract subset and is scaled to the chain; the output says so.

Measured note: a 20,000-contract chain makes every numpy temporary 160 KB, which glibc's malloc maps and
unmaps on each allocation. Running with MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000
(or the equivalent mallopt at start-up) made the vector path 15-20% faster on the development VM.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from console.options.greeks import (
    IvReason,
    bsm,
    bsm_scalar,
    implied_vol,
    implied_vol_scalar,
    implied_vol_with_reason,
)

SPOT, RATE, DIV = 100.0, 0.045, 0.015
EXPIRY_DAYS = [
    1,
    2,
    3,
    4,
    7,
    9,
    14,
    21,
    28,
    35,
    42,
    49,
    56,
    63,
    91,
    119,
    154,
    182,
    245,
    273,
    365,
    456,
    547,
    730,
    1095,
]
STRIKES_PER_EXPIRY = 400  # 50% to 200% of spot; a call and a put at each
RUNS = 30
LOOP_SAMPLE = 1_000


def build_chain() -> dict[str, np.ndarray]:
    """A listed-style chain: 25 expiries from 1 day to 3 years, a skewed smile, model mid prices."""
    t, strike = np.meshgrid(
        np.array(EXPIRY_DAYS) / 365.0, np.linspace(50.0, 200.0, STRIKES_PER_EXPIRY), indexing="ij"
    )
    t, strike = np.repeat(t.ravel(), 2), np.repeat(strike.ravel(), 2)
    kind = np.tile(np.array(["call", "put"]), t.size // 2)
    log_moneyness = np.log(strike / SPOT)
    vol = 0.22 - 0.045 * log_moneyness / np.sqrt(np.maximum(t, 0.05)) + 0.25 * log_moneyness**2
    vol = np.clip(vol, 0.05, 2.0)
    price = bsm(kind, SPOT, strike, t, RATE, DIV, vol).price
    return {"kind": kind, "strike": strike, "t": t, "vol": vol, "price": price}


def vector_path(chain: dict[str, np.ndarray]) -> None:
    """What a chain refresh does: implied vol from the price, then price and every Greek at that vol."""
    vols = implied_vol(chain["kind"], chain["price"], SPOT, chain["strike"], chain["t"], RATE, DIV)
    bsm(chain["kind"], SPOT, chain["strike"], chain["t"], RATE, DIV, vols)


def loop_path(chain: dict[str, np.ndarray], picks: np.ndarray) -> None:
    for i in picks:
        kind, price, strike, t = (
            str(chain["kind"][i]),
            float(chain["price"][i]),
            float(chain["strike"][i]),
            float(chain["t"][i]),
        )
        vol = implied_vol_scalar(kind, price, SPOT, strike, t, RATE, DIV)
        if vol == vol:  # not NaN
            bsm_scalar(kind, SPOT, strike, t, RATE, DIV, vol)


def timed(run, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    chain = build_chain()
    n = chain["t"].size
    _, reasons = implied_vol_with_reason(
        chain["kind"], chain["price"], SPOT, chain["strike"], chain["t"], RATE, DIV
    )
    counts = {
        IvReason(code).name: int(count)
        for code, count in zip(*np.unique(reasons, return_counts=True), strict=True)
    }
    print(f"chain: {n:,} contracts ({len(EXPIRY_DAYS)} expiries x {STRIKES_PER_EXPIRY} strikes x call/put)")
    print(f"implied-vol outcomes: {counts}")

    vector_path(chain)  # warm-up
    vector = timed(lambda: vector_path(chain), RUNS)
    median_ms = statistics.median(vector) * 1e3
    p99_ms = float(np.quantile(vector, 0.99)) * 1e3
    print(f"vector  (IV + price + 5 Greeks, {n:,} contracts), {RUNS} runs:")
    print(f"  median {median_ms:.2f} ms   p99 {p99_ms:.2f} ms   min {min(vector) * 1e3:.2f} ms")
    print(f"  = {median_ms * 1e3 / n:.2f} us per contract (median)")

    picks = np.random.default_rng(0).choice(n, LOOP_SAMPLE, replace=False)
    loop = timed(lambda: loop_path(chain, picks), 3)
    loop_per_contract = statistics.median(loop) / LOOP_SAMPLE
    loop_chain_ms = loop_per_contract * n * 1e3
    print(f"loop    (implied_vol_scalar + bsm_scalar), {LOOP_SAMPLE:,}-contract random subset, 3 runs:")
    print(
        f"  {loop_per_contract * 1e6:.1f} us per contract -> {loop_chain_ms:.0f} ms scaled to {n:,} contracts"
    )

    ratio = loop_chain_ms / median_ms
    print(f"speed-up (scaled loop / vector median): {ratio:.0f}x")
    print(
        f"targets: vector median < 20 ms: {'met' if median_ms < 20 else 'MISSED'}; "
        f"p99 < 20 ms: {'met' if p99_ms < 20 else 'MISSED'}; >= 50x: {'met' if ratio >= 50 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
