# Coffer: `make dev` runs the whole platform, `make test` runs every test. No Docker needed.
SHELL := /bin/bash
.DEFAULT_GOAL := help
INFRA := infra/bin/infra

.PHONY: help install node-modules infra-install chart-install infra-up infra-down infra-status build lint format dev test test-run e2e drills fuzz fuzz-install chart-check up down bench ops

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: node-modules infra-install chart-install ## npm packages, every server and the chart's tools (a no-op when cached)

# npm ci only when the lock file changed since the last install.
node-modules:
	@start=$$SECONDS; want=$$(sha256sum package-lock.json | cut -c1-64); \
	if [ "$$(cat node_modules/.coffer-lock 2>/dev/null)" != "$$want" ]; then \
	  echo "  npm ci"; npm ci --no-audit --no-fund --loglevel=error && echo "$$want" > node_modules/.coffer-lock; \
	fi; echo "  installed node modules ($$((SECONDS - start))s)"

infra-install:
	@$(INFRA) install

# helm, kubeconform and the Kubernetes schemas for `make chart-check`, into the cache.
chart-install:
	@deploy/bin/install-chart-tools >/dev/null

infra-up: ## start the servers on loopback and wait until they are ready
	@$(INFRA) up >/dev/null

infra-down: ## stop the servers that infra-up started
	@$(INFRA) down

infra-status: ## component, port, pid, ready or not
	@$(INFRA) status

build: ## compile contracts, the services and the web app (web/dist)
	@npm run build --silent

# Every tracked shell script, by its first line.
SHELL_SCRIPTS = $(shell git grep -lE '^\#!.*[/ ](ba)?sh$$' -- ':!*.md')

lint: build ## type-check every workspace (tests included), ESLint, Prettier, ShellCheck, the web app's API client and size, README's benchmark table
	@npm run typecheck --silent && npx eslint . && npx prettier --check .
	@shellcheck $(SHELL_SCRIPTS)
	@npm run generate --silent -w web -- --check
	@node infra/bin/bundle-budget.mjs
	@npx tsx bench/readme-table.ts --check

format: ## rewrite files with Prettier
	@npx prettier --write .

dev: install build ## the whole platform on loopback, the web app at http://127.0.0.1:8000/ (rebuilt on change), one stream of logs; Ctrl-C stops what it started
	@infra/bin/with-infra node infra/bin/dev.mjs

test: install ## every test against the real servers; stops what it started
	@infra/bin/with-infra $(MAKE) --no-print-directory test-run

e2e: install build ## the user's journey and the request table, through the development gateway
	@infra/bin/with-infra npx vitest run --project e2e

fuzz: install fuzz-install build ## schemathesis against each service's OpenAPI document, then the hand-written bad input
	@infra/bin/with-infra npx vitest run --config vitest.fuzz.config.ts

fuzz-install:
	@fuzz/bin/install-schemathesis >/dev/null

chart-check: ## the Helm chart (deploy/helm/coffer), offline: helm lint, kubeconform -strict on three Kubernetes versions, the services' config over its env, its snapshot
	@deploy/bin/chart-check

# e2e starts its own notification-service on the shared topics: run beside the other projects,
# either would mail the other's test addresses, so it runs after them.
test-run: build
	npx vitest run --project '!e2e'
	npx vitest run --project e2e
	infra/bin/smoke-drill

drills: install build ## fault drills: kill or stop each server in turn under traffic and check the outcome (README, Reliability)
	@infra/bin/with-infra npx vitest run --config vitest.drills.config.ts

ops: ## the operator CLI against the local servers: make ops ARGS="lag notification-service" (after make build)
	@while IFS='=' read -r key value; do [ -n "$${!key:-}" ] || export "$$key=$$value"; done < <($(INFRA) env); \
	node infra/ops/bin/coffer-ops.js $(ARGS)

up: ## docker compose, for machines that have Docker (writes .env with fresh secrets on first use)
	@[ -f .env ] || echo "COFFER_EVENT_ENCRYPTION_KEYS=k1:$$(head -c 32 /dev/urandom | base64)" > .env
	docker compose up --build -d

down: ## stop docker compose
	docker compose down

bench: install build ## benchmarks against the local servers: one table of ratios, bench/results/<date>.json (BENCH_* in bench/run.ts)
	@infra/bin/with-infra npx tsx bench/run.ts
