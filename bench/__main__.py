"""Run every benchmark in turn: `python -m bench`."""

import importlib
import sys

BENCHMARKS = ("bench.extraction", "bench.phi", "bench.pipeline", "bench.server", "bench.middleware")


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        module = importlib.import_module(name)
        if module.main() != 0:
            failed.append(name)
    if failed:
        print("benchmarks that missed a target or failed: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
