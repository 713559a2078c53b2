"""Logger and Metrics, built once per process.

Service name, log level and metrics namespace come from the POWERTOOLS_* variables that
template.yaml sets in Globals. Log with keyword fields; never log a token, password or code.

No Powertools Tracer (and no X-Ray SDK): Lambda's active tracing (`Tracing: Active`) records
each invocation's segments (init, invocation, overhead) on its own. Those segments carry
timings, the function and the status, never a request or response body; nothing here adds
annotations or metadata to a trace, so no body, token or email can end up in one.
"""

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
