"""Benchmarks: they print and save figures; they never pass or fail on a time."""
