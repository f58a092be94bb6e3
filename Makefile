# worker-jwt-session: the project's one entry point.
#   make dev    run the counter demo under `wrangler dev` on 127.0.0.1:8787
#   make test   install what is missing, then run every test (CI runs exactly this)
#   make bench  benchmarks
# Every target installs what it needs, idempotently, from the package registries only.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)
# wasm-bindgen's CLI must be the exact version of the crate in Cargo.lock.
WASM_BINDGEN_VERSION := 0.2.130
WORKER_BUILD_VERSION := 0.8.7
ROOT := $(CURDIR)

# worker-build would download wasm-bindgen, wasm-opt and esbuild from GitHub, which these
# machines cannot reach: point it at the registry-installed ones instead.
export WASM_BINDGEN_BIN := $(CARGO_BIN)/wasm-bindgen
export WASM_OPT_BIN := $(ROOT)/node_modules/.bin/wasm-opt
export ESBUILD_BIN := $(ROOT)/node_modules/.bin/esbuild
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false

.PHONY: help tools rust-tools node-tools python-tools worker dev test test-rust test-interop test-e2e lint bench cli

help:
	@echo "make dev    - run the counter demo with wrangler dev on http://127.0.0.1:8787"
	@echo "make test   - install what is missing and run every test"
	@echo "make bench  - native benchmark against PyJWT"

## ---- tools (idempotent) ----------------------------------------------------------------

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes, once)"; \
	  cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); fi
	@if [ "$$(worker-build --version 2>/dev/null)" != "worker-build $(WORKER_BUILD_VERSION)" ]; then \
	  echo "installing worker-build $(WORKER_BUILD_VERSION) (about 9 minutes, once)"; \
	  cargo install worker-build --version $(WORKER_BUILD_VERSION) --locked; fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

tests/interop/node_modules/.package-lock.json: tests/interop/package.json tests/interop/package-lock.json
	cd tests/interop && npm ci --no-audit --no-fund
	@touch $@

node-tools: node_modules/.package-lock.json

python-tools:
	@python3 -c 'import jwt' 2>/dev/null || pip install --quiet --disable-pip-version-check pyjwt

tools: rust-tools node-tools python-tools

## ---- builds ----------------------------------------------------------------------------

# The demo Worker (examples/counter) into examples/counter/build/, as wrangler.toml expects.
worker: rust-tools node-tools
	cd examples/counter && worker-build --release

cli:
	cargo build --release --features cli --bin jwt-session

## ---- demo ------------------------------------------------------------------------------

.dev.vars:
	@umask 077; printf 'JWT_SESSION_SECRET="%s"\n' "$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" > .dev.vars
	@echo "wrote .dev.vars with a fresh random JWT_SESSION_SECRET (git-ignored)"

dev: tools .dev.vars
	npx wrangler dev --port 8787 --ip 127.0.0.1 --show-interactive-dev-session=false

## ---- tests -----------------------------------------------------------------------------

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --features worker,cli -- -D warnings

test-rust:
	cargo test --workspace --features worker,cli

test-interop: cli python-tools tests/interop/node_modules/.package-lock.json
	python3 tests/interop/pyjwt_interop.py $(ROOT)/target/release/jwt-session
	cd tests/interop && JWT_SESSION_BIN=$(ROOT)/target/release/jwt-session node --test jose.test.mjs

test-e2e: worker cli
	node --test --test-concurrency=1 tests/e2e/

test: tools lint test-rust test-interop test-e2e
	@echo "make test: all suites passed"

## ---- benchmarks ------------------------------------------------------------------------

bench: python-tools
	cargo bench --bench core
