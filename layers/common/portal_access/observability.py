"""Logger, Tracer and Metrics, built once per process.

Service name, log level and metrics namespace come from the POWERTOOLS_* variables that
template.yaml sets in Globals. Log with keyword fields; never log a token, password or code.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
