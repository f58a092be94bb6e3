// `make load`: the demo Worker (examples/counter/build, as `make worker` builds it) in workerd,
// on 127.0.0.1:8830, under autocannon for 60 s at 50 connections with a mix of valid,
// expired, tampered and garbage cookies. Reports requests/s, p50/p99 latency, the count of
// 5xx (must be 0) and workerd's memory (RSS from /proc, V8 heap through the inspector) at the
// start and at the end. Exits non-zero on any 5xx, non-2xx, error or timeout.
//
// Settings (environment): LOAD_SECONDS (60), LOAD_CONNECTIONS (50), LOAD_PORT (8830; the V8
// inspector listens on LOAD_PORT + 1).
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const PORT = Number(process.env.LOAD_PORT ?? 8830);
const INSPECTOR_PORT = PORT + 1;
const SECRET = "load-test-secret-0123456789abcdef-0123456789";
const OTHER_SECRET = "not-the-load-test-secret-0123456789abcdef";

// Bounded in time whatever happens: the run, plus start-up, a 20 s warm-up and shutdown.
setTimeout(() => {
  console.error(`load: still running after ${SECONDS + 120} s; giving up`);
  process.exit(2);
}, (SECONDS + 120) * 1000).unref();

// ---- tokens ---------------------------------------------------------------------------------

const b64 = (s) => Buffer.from(s).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
function token(payload, { secret = SECRET, header = '{"alg":"HS256","typ":"JWT"}' } = {}) {
  const input = `${b64(header)}.${b64(JSON.stringify(payload))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

const t = now();
const valid = token({ counter: 5, iat: t, exp: t + 3600, orig_iat: t });
const expired = token({ counter: 5, iat: t - 7200, exp: t - 3600, orig_iat: t - 7200 });
const [h, p, s] = valid.split(".");
const tampered = `${h}.${b64(JSON.stringify({ counter: 5000, iat: t, exp: t + 3600, orig_iat: t }))}.${s}`;
const wrongKey = token({ counter: 5, iat: t, exp: t + 3600 }, { secret: OTHER_SECRET });
const algNone = `${b64('{"alg":"none"}')}.${p}.`;
// A session of about 9 KB, in three chunk cookies: reassembly, verification and re-signing.
const big = token({ counter: 5, note: "n".repeat(6500), iat: t, exp: t + 3600, orig_iat: t });
const chunks = [big.slice(0, 4000), big.slice(4000, 8000), big.slice(8000)]
  .map((v, i) => `jwtsession.${i}=${v}`)
  .join("; ");
// Cookie tossing at scale: 4 000 cookies of the session's name, about 70 KB of header.
const tossed = Array.from({ length: 4000 }, (_, i) => `jwtsession=t${i}`).join("; ");

// Each connection cycles through this list: 4 of 12 valid, the rest expired, tampered or garbage.
const MIX = [
  ["valid, GET / (increments, sets a cookie)", "/", `jwtsession=${valid}`],
  ["valid, GET /session (a read, no cookie)", "/session", `theme=dark; jwtsession=${valid}`],
  ["valid, chunked 9 KB session", "/session", chunks],
  ["tossed bad cookie before the valid one", "/", `jwtsession=x.y.z; jwtsession=${valid}`],
  ["expired", "/", `jwtsession=${expired}`],
  ["tampered payload", "/", `jwtsession=${tampered}`],
  ["signed with another key", "/", `jwtsession=${wrongKey}`],
  ["alg none", "/", `jwtsession=${algNone}`],
  ["garbage", "/", "jwtsession=not-a-token"],
  ["garbage: random base64", "/", `jwtsession=${b64("x".repeat(40))}.${b64("y".repeat(300))}.${b64("z".repeat(32))}`],
  ["garbage: 4 000 tossed cookies", "/", tossed],
  ["no cookie", "/", undefined],
];

// LOAD_ONLY=0,4 keeps only those kinds (to find which one a problem comes from).
if (process.env.LOAD_ONLY) {
  const keep = new Set(process.env.LOAD_ONLY.split(",").map(Number));
  MIX.splice(0, MIX.length, ...MIX.filter((_, i) => keep.has(i)));
}

// ---- workerd's memory -------------------------------------------------------------------------

function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function findWorkerd(pid = process.pid) {
  for (const child of childrenOf(pid)) {
    const comm = readFileSync(`/proc/${child}/comm`, "utf8").trim();
    if (comm === "workerd") return child;
    const deeper = findWorkerd(child);
    if (deeper) return deeper;
  }
  return undefined;
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** The V8 heap and the Wasm linear memory of the Worker's isolate, through the inspector. */
async function heap() {
  let ws;
  try {
    const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`, { signal: AbortSignal.timeout(5000) })).json();
    // The user Worker's isolate (Miniflare's own helpers are listed too).
    const url = targets.find((x) => x.id === "core:user:")?.webSocketDebuggerUrl;
    if (!url) return undefined;
    ws = new WebSocket(url);
    const events = [];
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.method) events.push(msg);
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
      setTimeout(() => reject(new Error("the inspector did not open")), 5000).unref();
    });
    let id = 0;
    const call = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const my = ++id;
        const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 5000);
        const onMessage = (data) => {
          const msg = JSON.parse(String(data));
          if (msg.id !== my) return;
          clearTimeout(timer);
          ws.off("message", onMessage);
          msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result);
        };
        ws.on("message", onMessage);
        ws.send(JSON.stringify({ id: my, method, params }));
      });
    // workerd's inspector answers Runtime.getHeapUsage; it does not answer
    // HeapProfiler.collectGarbage, so this is the heap as it is, not after a full GC.
    const usage = await call("Runtime.getHeapUsage");
    // The Wasm linear memory: every WebAssembly.Memory of the isolate, found by prototype in
    // the Worker's execution context (announced on Runtime.enable).
    try {
      await call("Runtime.enable");
      const contextId = events.find((e) => e.method === "Runtime.executionContextCreated")?.params.context.id;
      const proto = await call("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype", contextId });
      const found = await call("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId });
      const sizes = await call("Runtime.callFunctionOn", {
        objectId: found.objects.objectId,
        functionDeclaration: "function () { return this.map((m) => m.buffer.byteLength); }",
        returnByValue: true,
      });
      usage.wasmBytes = sizes.result.value.reduce((a, b) => a + b, 0);
      await call("Runtime.disable").catch(() => {});
    } catch (e) {
      usage.wasmError = String(e.message ?? e);
    }
    return usage;
  } catch (e) {
    return { error: String(e.message ?? e) };
  } finally {
    ws?.close();
  }
}

const mib = (kib) => (kib / 1024).toFixed(1);
const heapText = (hp) =>
  hp && hp.usedSize !== undefined
    ? `${(hp.usedSize / 2 ** 20).toFixed(2)} MiB used of ${(hp.totalSize / 2 ** 20).toFixed(2)} MiB`
    : `n/a (${hp?.error ?? "no inspector target"})`;
const wasmText = (hp) =>
  hp?.wasmBytes !== undefined ? `${(hp.wasmBytes / 2 ** 20).toFixed(2)} MiB` : `n/a (${hp?.wasmError ?? hp?.error})`;

// ---- the run ------------------------------------------------------------------------------------

let panics = 0;
let reinits = 0;
const mf = new Miniflare({
  modules: true,
  // LOAD_SCRIPT compares another Worker under the same load (e.g. a bare workers-rs one).
  scriptPath: process.env.LOAD_SCRIPT ?? `${ROOT}examples/counter/build/index.js`,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2026-04-01",
  bindings: { JWT_SESSION_SECRET: SECRET },
  host: "127.0.0.1",
  port: PORT,
  ...(process.env.LOAD_NO_INSPECTOR ? {} : { inspectorPort: INSPECTOR_PORT }),
  // Every rejected cookie logs a line: drain workerd's output (unread, the pipe fills up and
  // workerd blocks on its next log line), keeping only the count of panics and of Wasm
  // reinitializations (worker-build's panic recovery), which must stay 0.
  handleRuntimeStdio(stdout, stderr) {
    for (const stream of [stdout, stderr]) {
      stream.on("data", (chunk) => {
        const text = String(chunk);
        panics += (text.match(/panicked at/g) ?? []).length;
        reinits += (text.match(/Reinitializing Wasm application/g) ?? []).length;
      });
    }
  },
});
await mf.ready;
const base = `http://127.0.0.1:${PORT}`;
const workerd = findWorkerd();
if (!workerd) {
  console.error("load: cannot find the workerd process");
  process.exit(2);
}

// Each input once, checked: a fresh session for the bad ones, the counter for the good ones.
for (const [name, path, cookie] of MIX) {
  const res = await fetch(base + path, { headers: cookie ? { Cookie: cookie } : {} });
  const body = await res.text();
  if (res.status !== 200) {
    console.error(`load: ${name}: status ${res.status}: ${body.slice(0, 200)}`);
    process.exit(1);
  }
}

const idle = rssKiB(workerd);
const errorKinds = {};
const run = (duration) => {
  const instance = autocannon({
    url: base,
    connections: CONNECTIONS,
    duration,
    requests: MIX.map(([, path, cookie]) => ({ method: "GET", path, headers: cookie ? { cookie } : {} })),
  });
  instance.on("reqError", (e) => {
    const kind = e.code ?? e.message;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  });
  return instance;
};
// workerd's own memory (not the Worker's: a plain JS Worker shows the same) climbs for the
// first ~20 s under 50 connections, then levels off; "start" is taken after that.
const WARM_UP = Number(process.env.LOAD_WARM_UP ?? 20);
console.log(`load: workerd pid ${workerd}; warming up for ${WARM_UP} s`);
await run(WARM_UP);
const start = { ...rssKiB(workerd), heap: await heap() };
console.log(`load: ${SECONDS} s at ${CONNECTIONS} connections, ${MIX.length} kinds of request in turn`);
// A sample every 5 s shows a trend (growth that goes on) apart from a high-water mark.
for (const k of Object.keys(errorKinds)) delete errorKinds[k];
const samples = [];
const sampler = setInterval(() => samples.push(mib(rssKiB(workerd).rss)), 5000);
const result = await run(SECONDS);
clearInterval(sampler);
const end = { ...rssKiB(workerd), heap: await heap() };
await mf.dispose();

const fivexx = result["5xx"];
const report = [
  ["requests", `${result.requests.total} in ${result.duration} s`],
  ["requests/s", `${result.requests.average} average (min ${result.requests.min}, max ${result.requests.max})`],
  ["latency", `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`],
  ["status", `2xx ${result["2xx"]}, non-2xx ${result.non2xx}, 5xx ${fivexx}`],
  ["errors", `${result.errors} errors, ${result.timeouts} timeouts ${JSON.stringify(errorKinds)}`],
  ["panics", `${panics} panics, ${reinits} Wasm reinitializations`],
  ["workerd RSS", `idle ${mib(idle.rss)} MiB; start ${mib(start.rss)} MiB; end ${mib(end.rss)} MiB (peak ${mib(end.peak)} MiB)`],
  ["RSS every 5 s", `${samples.join(", ")} MiB`],
  ["V8 heap", `start ${heapText(start.heap)}; end ${heapText(end.heap)}`],
  ["Wasm memory", `start ${wasmText(start.heap)}; end ${wasmText(end.heap)}`],
];
console.log(report.map(([k, v]) => `load: ${k.padEnd(20)} ${v}`).join("\n"));

const failures = [];
if (fivexx !== 0) failures.push(`${fivexx} responses were 5xx`);
if (result.non2xx !== 0) failures.push(`${result.non2xx} responses were not 2xx`);
if (result.errors !== 0 || result.timeouts !== 0) failures.push(`${result.errors} errors, ${result.timeouts} timeouts`);
if (panics !== 0 || reinits !== 0) failures.push(`${panics} panics, ${reinits} reinitializations`);
if (result.requests.total < SECONDS * 50) failures.push(`only ${result.requests.total} requests`);
// No growth: a leak of even a few hundred bytes a request shows here after ~10^5 requests.
if (end.rss > start.rss * 1.25 + 16 * 1024) failures.push(`RSS grew from ${mib(start.rss)} to ${mib(end.rss)} MiB`);
const [w0, w1] = [start.heap?.wasmBytes, end.heap?.wasmBytes];
if (w0 !== undefined && w1 !== undefined && w1 > w0 * 1.5 + 2 ** 20) failures.push(`Wasm memory grew from ${w0} to ${w1} bytes`);
if (failures.length) {
  console.error(`load: FAILED: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("load: passed (no 5xx, no errors, no memory growth)");
process.exit(0);
