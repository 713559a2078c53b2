"""The development kit: what the local stack (local/), the benchmarks (benchmarks/), the operator
scripts (scripts/) and the tests share about this repository.

- `template`: template.yaml as data (loader, intrinsic functions, functions and their events);
- `routes`: the HTTP API's routes as the template declares them, and API Gateway's matching;
- `functions`: a template function's handler loaded in-process, as at a cold start;
- `events`, `streams`, `lambda_context`: sample events from events/ and a Lambda context;
- `aws_calls`: the recorder of the AWS API calls a piece of code makes;
- `responses`: an HTTP function's API Gateway answer, decoded.

Direction: devkit imports only the standard library and third-party packages; local imports
devkit; benchmarks import local and devkit; tests import any of them; nothing imports tests.
"""
