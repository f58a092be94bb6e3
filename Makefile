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

# (further .PHONY lines follow the targets they name)
.PHONY: help tools rust-tools node-tools python-tools worker dev test test-rust test-interop test-e2e lint bench cli axum-example router-example

help:
	@echo "make dev    - run the counter demo with wrangler dev on http://127.0.0.1:8787"
	@echo "make dev-js - the same demo as a JavaScript Worker on http://127.0.0.1:8788"
	@echo "make test   - install what is missing and run every test"
	@echo "make bench  - benchmarks: native vs PyJWT, workerd vs jose/tsndr/hono/WebCrypto, sizes, cold start"
	@echo "make fuzz   - cargo fuzz, each target for SECONDS=N seconds (default 60)"
	@echo "make load   - 60 s load test of the demo Worker in workerd (see SECURITY.md)"
	@echo "make js     - build the browser package (js/pkg/); make test-js runs its tests"
	@echo "make bench-js - size and decode speed of js/ against jwt-decode (Node, Chromium)"

## ---- tools (idempotent) ----------------------------------------------------------------

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes, once)"; \
	  cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); fi
	@if ! worker-build --version 2>/dev/null | grep -qw "$(WORKER_BUILD_VERSION)"; then \
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
	@python3 -c 'import cryptography' 2>/dev/null || pip install --quiet --disable-pip-version-check cryptography

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

dev: tools .dev.vars app
	npx wrangler dev --port 8787 --ip 127.0.0.1 --show-interactive-dev-session=false

## ---- tests -----------------------------------------------------------------------------

# Every feature in one native build (lint and test-rust share it).
RUST_FEATURES := worker,axum,cli,browser,js-worker,encrypted

# Clippy with the crate's denied lints (unwrap, expect, panic, indexing) on everything: the
# workspace's targets; the wasm32-only code (features browser and js-worker, and their tests);
# the fuzz crate (its own workspace; builds libFuzzer once).
lint: rust-tools
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --features $(RUST_FEATURES) -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --features browser,js-worker,encrypted \
	  --lib --test wasm_release --test browser -- -D warnings
	cargo clippy --lib -- -D warnings
	cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

# The core, the middleware, the CLI, and the browser and JS-engine exports' own tests and doc
# tests, natively. Includes the attack suite (tests/attacks.rs) and
# the fuzz corpus replay (tests/fuzz_corpus.rs).
test-rust:
	cargo test --workspace --features $(RUST_FEATURES)

# The attack suite and every seed-corpus file through the release wasm build (panic = "abort",
# as a Worker runs it), in Node: any panic fails the run. With encrypted mode, whose cases
# (JWE) are part of the suite.
test-wasm: rust-tools
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test --target wasm32-unknown-unknown --release --features encrypted --test wasm_release

test-interop: cli python-tools tests/interop/node_modules/.package-lock.json
	python3 tests/interop/pyjwt_interop.py $(ROOT)/target/release/jwt-session
	python3 tests/interop/cryptography_jwe_interop.py $(ROOT)/target/release/jwt-session
	cd tests/interop && JWT_SESSION_BIN=$(ROOT)/target/release/jwt-session node --test jose.test.mjs

# The axum example (examples/axum), built the same way as the demo.
axum-example: rust-tools node-tools
	cd examples/axum && worker-build --release

# The README's Router example (examples/router, the README's "Use it in your Worker" project).
router-example: rust-tools node-tools
	cd examples/router && worker-build --release

test-e2e: worker cli js-examples axum-example router-example
	node --test --test-concurrency=1 tests/e2e/

test: tools lint test-rust test-wasm test-interop test-types test-js test-e2e
	@echo "make test: all suites passed"

## ---- fuzzing and load (SECURITY.md) -----------------------------------------------------

FUZZ_TARGETS := verify_token cookie_header decode_unverified
CARGO_FUZZ_VERSION := 0.13.2
SECONDS ?= 60

# Only for `make fuzz`: the nightly toolchain and cargo-fuzz, each installed once.
fuzz-tools:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@if [ "$$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $(CARGO_FUZZ_VERSION)" ]; then \
	  echo "installing cargo-fuzz $(CARGO_FUZZ_VERSION) (about a minute, once)"; \
	  cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION); fi

# Each target for SECONDS seconds, from its seed corpus (fuzz/corpus/<target>/seed-*), with
# debug assertions (overflow checks) and AddressSanitizer; an input slower than 10 s is a
# failure. Crashes land in fuzz/artifacts/<target>/.
fuzz: fuzz-tools
	@for t in $(FUZZ_TARGETS); do \
	  echo "== cargo fuzz run $$t for $(SECONDS) s"; \
	  cargo +nightly fuzz run --debug-assertions $$t -- \
	    -max_total_time=$(SECONDS) -max_len=8192 -timeout=10 -print_final_stats=1; \
	done

tests/load/node_modules/.package-lock.json: tests/load/package.json tests/load/package-lock.json
	cd tests/load && npm ci --no-audit --no-fund
	@touch $@

# 60 s at 50 connections against the demo Worker in workerd on 127.0.0.1:8830 (inspector on
# 8831); fails on any 5xx, error or memory growth.
load: worker tests/load/node_modules/.package-lock.json
	node tests/load/load.mjs

.PHONY: test-wasm fuzz-tools fuzz load

## ---- benchmarks ------------------------------------------------------------------------

# One command, one run, every figure (issue 6); nothing is asserted, a failed check exits 1:
#   1. native core (verify, sign, round trip) against PyJWT, same payload and secret;
#   2. workerd (Miniflare, one Node process): the middleware's round trip against jose,
#      @tsndr/cloudflare-worker-jwt, hono/utils/jwt and raw crypto.subtle, interleaved;
#      sizes (gzip -9) and cold start (benches/workerd/bench.mjs);
#   3. the browser package against jwt-decode in Node and Chromium (bench-js).
BENCH_WORKERD := benches/workerd

$(BENCH_WORKERD)/node_modules/.package-lock.json: $(BENCH_WORKERD)/package.json $(BENCH_WORKERD)/package-lock.json
	cd $(BENCH_WORKERD) && npm ci --no-audit --no-fund
	@touch $@

# The Rust Workers of the workerd part, built exactly like the demo (`make worker`): the bench
# Worker, a bare workers-rs hello-world, the same hello-world with the middleware, and that one
# with the feature `encrypted` (what the feature adds).
.PHONY: bench-workers
bench-workers: worker
	cd $(BENCH_WORKERD)/rust-worker && worker-build --release
	cd $(BENCH_WORKERD)/hello-worker && worker-build --release
	cd $(BENCH_WORKERD)/hello-session && worker-build --release
	cd $(BENCH_WORKERD)/hello-session-encrypted && worker-build --release

# js-worker builds the engine of the "ours: JS wrapper" contender (worker-jwt-session/worker).
bench: python-tools bench-workers js-worker $(BENCH_WORKERD)/node_modules/.package-lock.json
	cargo bench --bench core
	node $(BENCH_WORKERD)/bench.mjs
	$(MAKE) -s bench-js

## ---- JS Workers entry (worker-jwt-session/worker, /hono) --------------------------------

# The engine for JS Workers: the core with feature js-worker, bindings for `--target web`
# (whose initSync takes the compiled module that a Worker's wasm import gives).
JS_ENGINE := js/engine/worker_jwt_session_bg.wasm
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue

js-worker: rust-tools node-tools
	cargo build --lib --profile release-js --target wasm32-unknown-unknown --features js-worker,encrypted
	wasm-bindgen --target web --out-dir js/engine --out-name worker_jwt_session \
	  --remove-name-section --remove-producers-section \
	  target/wasm32-unknown-unknown/release-js/worker_jwt_session.wasm
	node_modules/.bin/wasm-opt -O3 $(WASM_FEATURES) $(JS_ENGINE) -o $(JS_ENGINE)
	@printf 'js/engine: %s bytes wasm, %s gzip -9 (wasm + glue)\n' "$$(wc -c < $(JS_ENGINE))" \
	  "$$(cat $(JS_ENGINE) js/engine/worker_jwt_session.js js/worker.js | gzip -9 | wc -c)"

# The JS and Hono demos, bundled exactly as `wrangler deploy` would (into each example's build/),
# for the end-to-end suite.
js-examples: js-worker
	cd examples/counter-js && npx wrangler deploy --dry-run --outdir build >/dev/null
	cd examples/hono && npx wrangler deploy --dry-run --outdir build >/dev/null

# The JS demo under `wrangler dev` on 127.0.0.1:8788, with the same .dev.vars as `make dev`.
dev-js: tools js-worker .dev.vars
	ln -sf ../../.dev.vars examples/counter-js/.dev.vars
	cd examples/counter-js && npx wrangler dev --port 8788 --ip 127.0.0.1 --show-interactive-dev-session=false

.PHONY: js-worker js-examples dev-js test-types
test-types: js-worker
	npx tsc -p tests/types/tsconfig.json

## ---- browser package (js/: decode, readSession) and the demo's page ----------------------

BROWSER_WASM := target/wasm32-unknown-unknown/release-browser/worker_jwt_session.wasm
# npm binaryen's wasm-opt (never Debian's), size first, with the features of wasm-bindgen's output.
BROWSER_WASM_OPT := -Oz --converge --strip-target-features --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue
# Fixed local ports: chromedriver, and wasm-bindgen-test's page server (the page, fresh-project
# and benchmark tests use 8801-8809).
CHROMEDRIVER_PORT := 9515
WASM_TEST_ADDRESS := 127.0.0.1:8800
WASM_TEST := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --features browser --test browser

.PHONY: js app browser-tools test-js test-wasm-node test-wasm-browser bench-js

# The browser entry of the npm package into js/pkg/ (git-ignored): the crate with feature
# browser, wasm-bindgen --target web, wasm-opt, then js/build.mjs (esbuild) embeds the wasm
# and minifies. It prints the sizes.
js: rust-tools node-tools js-worker
	cargo build --lib --profile release-browser --target wasm32-unknown-unknown --features browser
	wasm-bindgen --target web --out-dir target/js --out-name worker_jwt_session \
	  --remove-name-section --remove-producers-section $(BROWSER_WASM)
	node_modules/.bin/wasm-opt $(BROWSER_WASM_OPT) target/js/worker_jwt_session_bg.wasm \
	  -o target/js/worker_jwt_session_bg.opt.wasm
	node js/build.mjs target/js

# vite, playwright-core and jwt-decode, for the tests, the demo's page and the benchmark.
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium and ChromeDriver: playwright-core drives them, and never downloads a browser.
browser-tools: tests/browser/node_modules/.package-lock.json
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

# The demo's page (examples/counter/app) into examples/counter/public/app/ (git-ignored), which
# the `[assets]` of wrangler.toml serve at /app/.
app: js tests/browser/node_modules/.package-lock.json
	cd examples/counter/app && ../../../tests/browser/node_modules/.bin/vite build --logLevel warn

# The package's own tests (node:test over js/pkg; the feature's Rust tests run natively in
# `test-rust`), the wasm exports under wasm-bindgen-test in Node and in headless Chromium, then
# the demo page, fresh-project and jwt-decode tests (tests/browser).
test-js: js app browser-tools worker
	node_modules/.bin/tsc -p tests/browser/types/tsconfig.json
	node --test js/test/
	$(MAKE) -s test-wasm-node test-wasm-browser
	node --test --test-concurrency=1 tests/browser/

test-wasm-node: rust-tools
	$(WASM_TEST)

# chromedriver is started here on a fixed port and stopped by its PID, whatever the result.
test-wasm-browser: rust-tools browser-tools
	@mkdir -p target; chromedriver --port=$(CHROMEDRIVER_PORT) >target/chromedriver.log 2>&1 & pid=$$!; \
	  trap 'kill $$pid 2>/dev/null || true' EXIT; \
	  for i in $$(seq 50); do curl -sf http://127.0.0.1:$(CHROMEDRIVER_PORT)/status >/dev/null && break; sleep 0.1; done; \
	  kill -0 $$pid 2>/dev/null || { cat target/chromedriver.log; echo "chromedriver did not start (port $(CHROMEDRIVER_PORT) busy?)"; exit 1; }; \
	  WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER_REMOTE=http://127.0.0.1:$(CHROMEDRIVER_PORT) \
	  WASM_BINDGEN_TEST_ADDRESS=$(WASM_TEST_ADDRESS) $(WASM_TEST)

# Size (gzip -9) and decode speed of the browser package against jwt-decode@4, in Node and in
# headless Chromium (printed, not asserted).
bench-js: js browser-tools
	node js/bench/size-and-speed.mjs
