# Portal access service. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# The Lambda runtime is python3.13; `sam build` needs that interpreter on PATH, so the
# virtual environment is made with it (pyenv's copy when there is no python3.13 on PATH).
PYTHON313 ?= $(shell for candidate in python3.13 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13; do \
	"$$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && { command -v "$$candidate"; break; }; done)
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
export SAM_CLI_TELEMETRY := 0

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements-dev.txt layers/common/requirements.txt
	@test -n "$(PYTHON313)" || { echo "python3.13 not found: install it (pyenv install 3.13) or set PYTHON313=/path/to/python3.13"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON313) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(STAMP) ## Create the virtual environment and install everything

# checkov (the template scanner) in a venv of its own: it pins many packages of its own, which
# must not move the project's. Made on first use, like the main venv, from requirements-checkov.txt.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

$(CHECKOV_STAMP): requirements-checkov.txt
	@test -n "$(PYTHON313)" || { echo "python3.13 not found: install it (pyenv install 3.13) or set PYTHON313=/path/to/python3.13"; exit 1; }
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON313) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

# The hosted pages' browser library and the browser tests' axe-core: pinned in package-lock.json,
# fetched from the npm registry, never from a CDN at run time. The library is copied into the
# served folder (web/common/vendor/, not committed).
NPM_STAMP := node_modules/.package-lock.json
VENDORED := web/common/vendor/amazon-cognito-identity.min.js

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (Debian: apt-get install -y npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(VENDORED): $(NPM_STAMP)
	mkdir -p web/common/vendor
	cp node_modules/amazon-cognito-identity-js/dist/amazon-cognito-identity.min.js $@

vendor: $(VENDORED) ## Fetch the pinned browser libraries (npm ci) into web/common/vendor/

dev: $(STAMP) $(VENDORED) ## Run the whole service locally (moto + HTTP API on 127.0.0.1:3000)
	$(BIN)/python -m local

test: lint typecheck validate build pytest ## Every check: ruff, checkov, mypy, pytest (unit, integration, e2e), sam validate and build

pytest: $(STAMP) $(VENDORED) ## Run the test suite only (the browser tests need chromium and chromedriver)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP) checkov ## ruff lint and format check; lint-imports (import direction); checkov (template.yaml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=layers/common:. $(BIN)/lint-imports --no-cache

# Every check passes or is skipped next to its resource with the reason (README, "Deployment
# posture"); a new finding fails. --skip-download: no call to the vendor's API (nor its network).
checkov: $(CHECKOV_STAMP) ## checkov on template.yaml: fails on any finding not skipped with a reason
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --skip-download --quiet --compact

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy (strict, pydantic plugin)
	$(BIN)/mypy layers/common/portal_access functions devkit local benchmarks scripts tests

validate: $(STAMP) ## sam validate --lint
	$(BIN)/sam validate --lint --region us-east-1

build: $(STAMP) ## sam build (needs python3.13, found in the venv)
	$(BIN)/sam build --cached --parallel

ENV ?= default
deploy: build $(VENDORED) ## Deploy the stack and upload the portal pages behind CloudFront (ENV=prod for prod)
	$(BIN)/python -m scripts.deploy_pages --config-env $(ENV)

openapi: $(STAMP) ## Write docs/openapi.json from the resolvers and docs/events/*.json from the event models
	$(BIN)/python -m scripts.openapi --write
	$(BIN)/python -m scripts.event_schemas --write

bench: $(STAMP) ## Benchmarks: cold start, DynamoDB calls per route, throughput; writes docs/benchmarks.md
	$(BIN)/python -m benchmarks

bench-console: $(STAMP) ## The staff console's sign-in page loaded cold in headless Chromium; its section of docs/benchmarks.md
	$(BIN)/python -m benchmarks.console_first_load

clean: ## Remove the venv, build output and local state
	rm -rf $(VENV) $(CHECKOV_VENV) .aws-sam .local .pytest_cache .mypy_cache .ruff_cache node_modules web/common/vendor

.PHONY: help venv vendor deploy dev test pytest lint checkov format typecheck validate build openapi bench bench-console clean
