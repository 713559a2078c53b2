"""The local stack: moto in server mode as AWS, provisioned from template.yaml, the HTTP API
served in-process. `make dev` runs `python -m local`."""
