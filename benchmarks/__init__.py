"""`make bench` (`python -m benchmarks`): cold starts, DynamoDB calls per route at growing table
sizes, throughput, and the local HTTP API under load; writes docs/benchmarks.md.

Imports: devkit and local, never tests. The filler data (benchmarks/seed.py) is made with the
layer's own models, so the layer goes on sys.path as Lambda has it. The layer's Logger and
Metrics read POWERTOOLS_* when first imported, before any function's environment is set: they
start from the template's Globals (as tests/conftest.py does), the Logger quiet, since the
bench prints its table on stdout, where Powertools writes its logs.
"""

import os

from devkit.functions import layer_on_path
from devkit.template import literal_globals_environment, load_template

layer_on_path()
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
for _name, _value in literal_globals_environment(load_template()).items():
    os.environ.setdefault(_name, _value)
