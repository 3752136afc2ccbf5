"""Benchmarks. Each module runs as `python -m bench.NAME` and records its figures in RESULTS.md."""
