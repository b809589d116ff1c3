"""Benchmarks: scripts that print a table and a last line of JSON. Never run as tests."""
