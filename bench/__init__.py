"""Benchmarks that print figures (`make bench`); run on demand, never in CI."""
