"""Viral-load benchmarks: the real production server, a fresh database, wrk. See bench/README.md."""
