"""The cold-start references (benchmarks/coldstart.py), handlers loaded as a function's are."""
