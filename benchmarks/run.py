"""`make bench`: every side-by-side measurement in one run (results under benchmarks/results/)."""

from __future__ import annotations

import importlib
import time

BENCHMARKS = (
    "benchmarks.bench_cat",
    "benchmarks.bench_calibration",
    "benchmarks.bench_elo",
    "benchmarks.bench_fsrs",
    "benchmarks.bench_practice",
)


def main() -> None:
    for name in BENCHMARKS:
        began = time.perf_counter()
        print(f"== {name}", flush=True)
        importlib.import_module(name).main()
        print(f"== {name} done in {time.perf_counter() - began:.0f} s", flush=True)


if __name__ == "__main__":
    main()
