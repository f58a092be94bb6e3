// `make bench`, the workerd part: our middleware against the JS JWT libraries, side by side in
// workerd (Miniflare), in this one Node process. Prints one table and exits 0; exits 1 only when
// a check fails (a token one contender signed that another does not accept, or an inside
// timing that disagrees with the wall clock), never because a target is missed.
//
//   node benches/workerd/bench.mjs        (the Makefile builds the Rust Workers first)
//
// Contenders:
// - ours: benches/workerd/rust-worker (worker-build --release), the real middleware path, in
//   three variants: JwtSessions cached per isolate (as documented), built per request, and the
//   core engine on header strings (no JS objects); and the cached variant in split mode and in
//   encrypted mode (a JWE cookie in, a JWE out: decrypt, change, encrypt);
// - every benches/workerd/contenders/<name>.js (but _*.js): a JS library, or our JS wrapper
//   (ours-js.js), behind the shared protocol of contenders/_protocol.js, bundled here with
//   esbuild. To add a contender, drop in one more file: a comment `// @bench-label …` names it,
//   `// @bench-requires <path>` skips it while <path> (from the repository root) is missing.
// - two baselines: the harness alone (a Request with the Cookie header in, a Response with
//   Set-Cookie out, no JWT work) in workers-rs and in JS; the "net" columns subtract them.
//
// Method: warm-up (JIT and wasm tier-up) and calibration, then 5 rounds in which every row
// runs one batch of ≥ 200 ms in turn (A B C D E, A B C D E, …). A batch is one request whose
// Worker runs N round trips in a loop and times them with Date.now() (which advances during
// synchronous code in local workerd); the first round checks that inside timing against the
// request's wall time. Medians, min–max and ratios to jose and to raw WebCrypto are reported.
// Then sizes (gzip -9, as `gzip -9c | wc -c`; the feature `encrypted` weighed as the same
// hello-world built with and without it) and cold starts (Miniflare start → first
// response). Ports: 127.0.0.1:8840–8842.

import { Miniflare } from "miniflare";
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const HERE = fileURLToPath(new URL("./", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUILD = `${HERE}build/`;

// Fixed workload: a 32-byte secret (the minimum for HS256, what `jwt-session keygen` makes) and
// this payload, iat/exp at the time of the run.
const SECRET = "bench-secret-of-32-bytes-0123456";
const MAX_AGE = 86400;
const payloadAt = (now) => ({
  sub: "user-42",
  name: "Ada Lovelace",
  email: "ada@example.com",
  roles: ["admin", "dev"],
  counter: 17,
  iat: now,
  exp: now + MAX_AGE,
});

const BATCHES = 5;
const BATCH_MS = 250; // calibrated target; every batch must last at least MIN_BATCH_MS
const MIN_BATCH_MS = 200;
const WARMUP_MS = 400; // per contender, before calibration
const PORTS = { bench: 8840, coldDemo: 8841, coldHello: 8842 }; // 127.0.0.1, within 8840–8849
const COMPATIBILITY_DATE = "2026-04-01";
const MODULES_RULES = [
  { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
  { type: "CompiledWasm", include: ["**/*.wasm"] },
];

const WORKERS_RS = {
  demo: "examples/counter/build",
  hello: "benches/workerd/hello-worker/build",
  helloSession: "benches/workerd/hello-session/build",
  helloSessionEncrypted: "benches/workerd/hello-session-encrypted/build",
  bench: "benches/workerd/rust-worker/build",
};

// Order of the rows; contenders not listed come after, by file name.
const ORDER = [
  "ours", "ours-split", "ours-encrypted", "ours-revocation", "ours-per-request", "ours-core", "ours-js", "jose", "tsndr", "hono", "webcrypto", "rs-harness", "js-harness",
];
const REFERENCE = "jose";
const FLOOR = "webcrypto";

const fail = (message) => {
  console.error(`bench: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
};

function version(pkg, from = HERE) {
  for (const dir of [`${from}node_modules/`, `${ROOT}node_modules/`]) {
    const file = `${dir}${pkg}/package.json`;
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).version;
  }
  return "?";
}

function gzipSize(files) {
  return files.reduce((sum, f) => sum + execFileSync("gzip", ["-9c", f], { maxBuffer: 1 << 28 }).length, 0);
}

function rawSize(files) {
  return files.reduce((sum, f) => sum + readFileSync(f).length, 0);
}

// ---- contenders ------------------------------------------------------------------------------

function rustRows() {
  const script = `${ROOT}${WORKERS_RS.bench}/index.js`;
  if (!existsSync(script)) fail(`${script} is missing: run \`make bench\` (it builds it)`);
  const worker = { name: "ours", script, runtime: "rust" };
  // The same Worker in split mode: it writes header.payload and an HttpOnly signature cookie,
  // so it takes part in the timing but not in the token-for-token interop check.
  const split = { name: "ours-split", script, runtime: "rust", bindings: { JWT_SESSION_MODE: "split" }, interop: false };
  // Encrypted mode: its cookie is a JWE (made by this Worker's /sign), decrypted and re-encrypted.
  const encrypted = { name: "ours-encrypted", script, runtime: "rust", bindings: { JWT_SESSION_MODE: "encrypted" }, interop: false };
  // Revocation on: the same round trip plus the engine's look-ups in Miniflare's local KV (one
  // bulk read per request: the bench cookie names its user, `sub`, and carries no `sid`).
  const revocation = {
    name: "ours-revocation",
    script,
    runtime: "rust",
    bindings: { JWT_SESSION_REVOCATION_KV: "REVOKED" },
    kvNamespaces: ["REVOKED"],
    interop: false,
  };
  return {
    workers: [worker, split, encrypted, revocation],
    rows: [
      { id: "ours", label: "ours: middleware load + commit (JwtSessions cached per isolate)", worker, query: "variant=cached" },
      { id: "ours-split", label: "ours: same, split mode (header.payload + HttpOnly .sig cookie)", worker: split, query: "variant=cached", split: true },
      { id: "ours-encrypted", label: "ours: same, encrypted mode (JWE dir + A256GCM in, JWE out)", worker: encrypted, query: "variant=cached", encrypted: true },
      { id: "ours-revocation", label: "ours: same, revocation on (+ 1 bulk KV read, Miniflare's local KV)", worker: revocation, query: "variant=cached" },
      { id: "ours-per-request", label: "ours: same, JwtSessions::from_env on every request", worker, query: "variant=per-request" },
      { id: "ours-core", label: "ours: core engine on header strings (no Request/Response)", worker, query: "variant=core", net: "none" },
      { id: "rs-harness", label: "harness alone, workers-rs: Request + Response, no session", worker, query: "variant=harness", harness: "rust" },
    ],
  };
}

async function jsContenders() {
  mkdirSync(BUILD, { recursive: true });
  const dir = `${HERE}contenders/`;
  const found = [];
  const skipped = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".js") && !f.startsWith("_")).sort()) {
    const id = file.replace(/\.js$/, "");
    const source = readFileSync(`${dir}${file}`, "utf8");
    const requires = source.match(/^\/\/ @bench-requires (.+)$/m)?.[1].trim();
    if (requires && !existsSync(`${ROOT}${requires}`)) {
      skipped.push(`${id} (needs ${requires})`);
      continue;
    }
    const label = (source.match(/^\/\/ @bench-label (.+)$/m)?.[1].trim() ?? id).replace(
      /\{version:([^}]+)\}/g,
      (_, pkg) => version(pkg),
    );
    const wasm = new Set();
    const bundle = async (kind, outfile) => {
      await build({
        // A Worker imports its wasm as a compiled module: keep the import, pointing at the file.
        plugins: [
          {
            name: "wasm-module",
            setup(b) {
              b.onResolve({ filter: /\.wasm$/ }, (args) => {
                const file = resolve(args.resolveDir, args.path);
                wasm.add(file);
                return { path: relative(dirname(outfile), file), external: true };
              });
            },
          },
        ],
        stdin: {
          contents: `import impl from "./contenders/${file}";\nimport { ${kind} } from "./contenders/_protocol.js";\nexport default ${kind}(impl);\n`,
          resolveDir: HERE,
          sourcefile: `${id}.${kind}.js`,
        },
        bundle: true,
        minify: true,
        format: "esm",
        platform: "browser",
        conditions: ["workerd", "worker", "browser"],
        target: "es2022",
        outfile,
        logLevel: "error",
      });
      return outfile;
    };
    const script = await bundle("benchWorker", `${BUILD}${id}.bench.js`);
    const minimal = await bundle("minimalWorker", `${BUILD}${id}.min.js`);
    const worker = { name: id, script };
    found.push({ worker, minimal: [minimal, ...wasm], row: { id, label, worker, query: "" } });
  }
  return { found, skipped };
}

// ---- running ---------------------------------------------------------------------------------

async function call(fetcher, path, init) {
  const res = await fetcher.fetch(`https://bench.example${path}`, init);
  const text = await res.text();
  return { status: res.status, text };
}

/** The same token as split mode's cookie pair: `jwtsession=header.payload; jwtsession.sig=…`. */
const splitCookie = (cookie) => cookie.replace(/^jwtsession=([^.;]+\.[^.;]+)\.([^.;]+)/, "jwtsession=$1; jwtsession.sig=$2");

async function batch(row, cookie, n) {
  const path = `/bench?n=${n}${row.query ? `&${row.query}` : ""}`;
  const t0 = performance.now();
  const sent = row.cookie ?? (row.split ? splitCookie(cookie) : cookie);
  const { status, text } = await call(row.worker.fetcher, path, { headers: { Cookie: sent } });
  const wall = performance.now() - t0;
  if (status !== 200) fail(`${row.id}: /bench answered ${status}: ${text.slice(0, 500)}`);
  const out = JSON.parse(text);
  return { n, ms: out.ms, wall, usPerOp: (out.ms * 1000) / n, setCookie: out.set_cookie };
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

const tokenOf = (setCookie) => {
  const value = /^jwtsession=([^;]+)/.exec(setCookie ?? "")?.[1];
  // Split mode: the Set-Cookie lines (joined by the Worker's headers.get) carry the signature apart.
  const sig = /(?:^|, )jwtsession\.sig=([^;]+)/.exec(setCookie ?? "")?.[1];
  return value && sig ? `${value}.${sig}` : value;
};

/** Every worker signs the payload; every worker must accept every token, and refuse a forged one. */
async function crossCheck(workers, now) {
  const expected = payloadAt(now);
  const tokens = [];
  for (const w of workers) {
    const { status, text } = await call(w.fetcher, "/sign", { method: "POST", body: JSON.stringify(expected) });
    if (status !== 200) fail(`${w.name}: /sign answered ${status}: ${text.slice(0, 300)}`);
    tokens.push({ by: w.name, token: text.trim() });
  }
  let checks = 0;
  for (const { by, token } of tokens) {
    const [h, p, s] = token.split(".");
    const forged = `${h}.${p}.${s.startsWith("A") ? "B" : "A"}${s.slice(1)}`;
    for (const v of workers) {
      const ok = await call(v.fetcher, "/verify", { method: "POST", body: token });
      if (ok.status !== 200) fail(`a token signed by ${by} does not verify for ${v.name}: ${ok.status} ${ok.text}`);
      const got = JSON.parse(ok.text);
      for (const key of ["sub", "name", "email", "roles", "counter"]) {
        if (JSON.stringify(got[key]) !== JSON.stringify(expected[key])) {
          fail(`${v.name} read ${key}=${JSON.stringify(got[key])} from ${by}'s token`);
        }
      }
      const bad = await call(v.fetcher, "/verify", { method: "POST", body: forged });
      if (bad.status === 200) fail(`${v.name} accepted a forged signature on ${by}'s token`);
      checks += 2;
    }
  }
  return { tokens, checks };
}

async function verifyEverywhere(workers, from, token, counter) {
  for (const v of workers) {
    const ok = await call(v.fetcher, "/verify", { method: "POST", body: token });
    if (ok.status !== 200) fail(`the round trip token of ${from} does not verify for ${v.name}: ${ok.text}`);
    if (JSON.parse(ok.text).counter !== counter) fail(`${v.name} read a wrong counter from ${from}'s round trip`);
  }
}

async function coldStart(dir, port) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath: `${ROOT}${dir}/index.js`,
    modulesRules: MODULES_RULES,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { JWT_SESSION_SECRET: SECRET },
    host: "127.0.0.1",
    port,
  });
  try {
    const res = await mf.dispatchFetch("http://127.0.0.1/");
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) fail(`${dir}: first response ${res.status}: ${body.slice(0, 200)}`);
    return ms;
  } finally {
    await mf.dispose();
  }
}

// ---- output ----------------------------------------------------------------------------------

const us = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? "").length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(r.length === 1 ? r[0] : line(r));
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  const rust = rustRows();
  const { found, skipped } = await jsContenders();
  const all = [...rust.workers, ...found.map((c) => c.worker)];
  // Every contender that signs whole tokens checks every other's.
  const workers = all.filter((w) => w.interop !== false);
  const rank = (id) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  const floorWorker = found.find((c) => c.row.id === FLOOR)?.worker;
  const jsHarness = { id: "js-harness", label: "harness alone, JS: Request + Response, no JWT", worker: floorWorker, query: "harness=1", harness: "js" };
  const rows = [...rust.rows, ...found.map((c) => c.row), jsHarness].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  for (const id of [REFERENCE, FLOOR]) if (!rows.some((r) => r.id === id)) fail(`contender ${id} is missing`);

  const logs = [];
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: PORTS.bench,
    workers: all.map((w) => ({
      name: w.name,
      modules: true,
      modulesRoot: ROOT,
      scriptPath: w.script,
      modulesRules: MODULES_RULES,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { JWT_SESSION_SECRET: SECRET, ...w.bindings },
      kvNamespaces: w.kvNamespaces,
    })),
    handleRuntimeStdio(stdout, stderr) {
      for (const s of [stdout, stderr]) s.on("data", (chunk) => logs.length < 200 && logs.push(String(chunk)));
    },
  });
  let results;
  let checks;
  let input;
  try {
    await mf.ready;
    for (const w of all) w.fetcher = await mf.getWorker(w.name);

    // 1. Interop: every token verifies for every other contender (and a forgery for none).
    const now = Math.floor(Date.now() / 1000);
    const cross = await crossCheck(workers, now);
    checks = cross.checks;
    input = cross.tokens.find((t) => t.by === REFERENCE).token;
    const cookie = `jwtsession=${input}`;
    // Encrypted mode's input: the same payload as a JWE, from the encrypted Worker itself.
    for (const row of rows.filter((r) => r.encrypted)) {
      const { status, text } = await call(row.worker.fetcher, "/sign", { method: "POST", body: JSON.stringify(payloadAt(now)) });
      if (status !== 200 || text.trim().split(".").length !== 5) fail(`${row.id}: /sign gave no JWE: ${status} ${text.slice(0, 200)}`);
      row.cookie = `jwtsession=${text.trim()}`;
    }

    // 2. Warm-up and calibration (per contender: batches of growing size for WARMUP_MS).
    for (const row of rows) {
      let n = 8;
      let spent = 0;
      let perOp = Infinity;
      while (spent < WARMUP_MS) {
        const b = await batch(row, cookie, n);
        spent += b.wall;
        if (b.ms >= 20) perOp = Math.min(perOp, b.ms / n);
        if (b.ms < 50) n *= 2;
      }
      if (!Number.isFinite(perOp)) fail(`${row.id}: could not calibrate (Date.now() did not advance)`);
      row.n = Math.max(1, Math.ceil(BATCH_MS / perOp));
      row.samples = [];
    }

    // 3. Measured rounds, interleaved: A B C …, A B C …
    let minAgreement = Infinity;
    for (let round = 0; round < BATCHES; round++) {
      for (const row of rows) {
        let b = await batch(row, cookie, row.n);
        while (b.ms < MIN_BATCH_MS) {
          // Faster than calibrated (turbo, tier-up): grow the batch and redo it.
          row.n = Math.ceil((row.n * BATCH_MS) / Math.max(b.ms, 1));
          b = await batch(row, cookie, row.n);
        }
        // Inside time vs wall time of the same request: the inside clock must be the real one.
        const agreement = b.ms / b.wall;
        if (round === 0 && (agreement > 1.02 || agreement < 0.8)) {
          fail(`${row.id}: inside timing ${b.ms} ms vs wall ${b.wall.toFixed(1)} ms: Date.now() is not usable here`);
        }
        minAgreement = Math.min(minAgreement, agreement);
        row.samples.push(b.usPerOp);
        row.last = b;
      }
    }
    // 4. The round trips' own output verifies everywhere too (counter 17 → 18).
    for (const row of rows.filter((r) => !r.harness)) {
      const token = tokenOf(row.last.setCookie);
      if (!token) fail(`${row.id}: the round trip set no session cookie (${row.last.setCookie})`);
      // A JWE is read by our Workers only (every mode reads every form).
      const readers = row.encrypted ? rust.workers.filter((w) => w.interop !== false) : workers;
      await verifyEverywhere(readers, row.id, token, 18);
      checks += readers.length;
    }
    results = { rows, minAgreement };
  } catch (err) {
    if (logs.length) console.error(logs.join(""));
    throw err;
  } finally {
    await mf.dispose();
  }

  // 5. Sizes, gzip -9.
  const files = (dir) => [`${ROOT}${dir}/index_bg.wasm`, `${ROOT}${dir}/index.js`];
  for (const dir of [WORKERS_RS.demo, WORKERS_RS.hello, WORKERS_RS.helloSession, WORKERS_RS.helloSessionEncrypted]) {
    for (const f of files(dir)) if (!existsSync(f)) fail(`${f} is missing: run \`make bench\` (it builds it)`);
  }
  const demo = { gz: gzipSize(files(WORKERS_RS.demo)), raw: rawSize(files(WORKERS_RS.demo)) };
  const hello = { gz: gzipSize(files(WORKERS_RS.hello)), raw: rawSize(files(WORKERS_RS.hello)) };
  const helloSession = { gz: gzipSize(files(WORKERS_RS.helloSession)), raw: rawSize(files(WORKERS_RS.helloSession)) };
  const helloEncrypted = {
    gz: gzipSize(files(WORKERS_RS.helloSessionEncrypted)),
    raw: rawSize(files(WORKERS_RS.helloSessionEncrypted)),
  };
  const demoWasmGz = gzipSize([files(WORKERS_RS.demo)[0]]);
  const helloWasmGz = gzipSize([files(WORKERS_RS.hello)[0]]);
  const jsSizes = found.map((c) => ({ id: c.row.id, label: c.row.label, gz: gzipSize(c.minimal), raw: rawSize(c.minimal) }));

  // 6. Cold start: Miniflare start to first response.
  const colds = { demo: [], hello: [] };
  for (let i = 0; i < 3; i++) {
    colds.demo.push(await coldStart(WORKERS_RS.demo, PORTS.coldDemo));
    colds.hello.push(await coldStart(WORKERS_RS.hello, PORTS.coldHello));
  }

  // ---- the table ----
  const byId = Object.fromEntries(results.rows.map((r) => [r.id, { ...r, s: stats(r.samples) }]));
  const med = (id) => byId[id].s.median;
  // Net: minus the harness of the same runtime (Request + Response with a Set-Cookie, no JWT).
  const netOf = (row) =>
    row.harness || row.net === "none"
      ? row.harness ? undefined : med(row.id)
      : med(row.id) - med(row.worker.runtime === "rust" ? "rs-harness" : "js-harness");
  const ref = med(REFERENCE);
  const floor = med(FLOOR);
  const refNet = netOf(byId[REFERENCE]);
  const floorNet = netOf(byId[FLOOR]);
  const ours = med("ours");
  const oursNet = netOf(byId.ours);
  const cpu = cpus()[0]?.model ?? "?";
  console.log(
    `\nworkerd ${version("workerd")} via Miniflare ${version("miniflare")}, Node ${process.version}, ${cpus().length} × ${cpu}`,
  );
  console.log(
    `Round trip = a Request with the Cookie header → verify → counter + 1 → sign → a Response with Set-Cookie; HS256, ` +
      `${Buffer.byteLength(SECRET)}-byte secret, ${Buffer.byteLength(input)}-byte token. ${BATCHES} interleaved batches of ` +
      `≥ ${MIN_BATCH_MS} ms per row after warm-up, timed inside the Worker (inside/wall ≥ ${results.minAgreement.toFixed(3)}). ` +
      `net = median − the harness of the same runtime.`,
  );
  console.log(`Interop: ${checks} checks passed (every token verifies for every contender; forged signatures refused).`);
  if (skipped.length) console.log(`Skipped contenders: ${skipped.join(", ")}.`);
  console.log("");

  const table = [["", "median", "min–max", "× jose", "× WebCrypto", "net", "net × jose", "net × WebCrypto"]];
  table.push(["ROUND TRIP IN WORKERD (µs per request)"]);
  for (const row of results.rows) {
    const s = byId[row.id].s;
    const net = netOf(row);
    const cells = [`  ${row.label}`, us(s.median), `${us(s.min)}–${us(s.max)}`];
    if (row.harness) cells.push("", "", "", "", "");
    else {
      cells.push((s.median / ref).toFixed(3), (s.median / floor).toFixed(3), us(net), (net / refNet).toFixed(3), (net / floorNet).toFixed(3));
    }
    table.push(cells);
  }
  const size = (label, gz, note) => table.push([`  ${label}`, kb(gz), note, "", "", "", "", ""]);
  table.push(["SIZE, gzip -9 (raw in brackets)"]);
  size("bare workers-rs hello-world (wasm + JS)", hello.gz, `(${kb(hello.raw)})`);
  size("hello-world + the middleware (README example)", helloSession.gz, `(${kb(helloSession.raw)})`);
  size("  added by the middleware", helloSession.gz - hello.gz, `${helloSession.gz - hello.gz} B`);
  size("the same with the feature `encrypted`", helloEncrypted.gz, `(${kb(helloEncrypted.raw)})`);
  size("  added by the feature `encrypted`", helloEncrypted.gz - helloSession.gz, `${helloEncrypted.gz - helloSession.gz} B`);
  size("demo Worker, examples/counter (wasm + JS)", demo.gz, `(${kb(demo.raw)})`);
  size("  demo − hello-world", demo.gz - hello.gz, `${demo.gz - hello.gz} B`);
  for (const s of jsSizes) size(`${s.label}: minimal Worker`, s.gz, `(${kb(s.raw)})`);
  table.push(["COLD START (ms, Miniflare start → first response, 3 runs)"]);
  const cd = stats(colds.demo);
  const ch = stats(colds.hello);
  table.push([`  demo Worker, examples/counter`, cd.median.toFixed(0), `${cd.min.toFixed(0)}–${cd.max.toFixed(0)}`, "", "", "", "", ""]);
  table.push([`  bare workers-rs hello-world`, ch.median.toFixed(0), `${ch.min.toFixed(0)}–${ch.max.toFixed(0)}`, "", "", "", "", ""]);

  const perReq = med("ours-per-request");
  const added = helloSession.gz - hello.gz;
  const addedDemo = demo.gz - hello.gz;
  const mark = (ok) => (ok ? "met" : "MISSED");
  const target = (label, value, ok, note = "") => table.push([`  ${label}`, value, note, mark(ok), "", "", "", ""]);
  table.push(["TARGETS (measured here, never asserted)"]);
  target("middleware round trip ≤ 0.15 × jose", (ours / ref).toFixed(3), ours / ref <= 0.15, `net ${(oursNet / refNet).toFixed(3)}`);
  target("middleware round trip ≤ 0.35 × raw WebCrypto", (ours / floor).toFixed(3), ours / floor <= 0.35, `net ${(oursNet / floorNet).toFixed(3)}`);
  target("middleware adds ≤ 40 KB gzip (40 000 B)", `${added} B`, added <= 40000, `demo: ${addedDemo} B`);
  target(
    "nothing per request that fits once per isolate",
    `+${us(perReq - ours)} µs`,
    perReq > ours,
    `from_env per request ×${(perReq / ours).toFixed(2)}`,
  );
  printTable(table);
}

main().catch((err) => {
  if (!process.exitCode) console.error(err?.stack ?? err);
  process.exitCode = 1;
});
