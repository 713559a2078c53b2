"""`make bench` (`python -m benchmarks`): cold starts, DynamoDB calls per route at growing table
sizes, throughput, and the local HTTP API under load; writes docs/benchmarks.md.

Imports: devkit and local, never tests. The filler data (benchmarks/seed.py) is made with the
layer's own models, so the layer goes on sys.path as Lambda has it, and its Logger starts quiet:
the bench prints its table on stdout, where Powertools writes its logs.
"""

import os

from devkit.functions import layer_on_path

layer_on_path()
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
