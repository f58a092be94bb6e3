// Size and decode speed of the browser package (js/pkg, built by `make js`) against
// jwt-decode@4, side by side in the same run: in Node and in headless Chromium (Debian's, driven
// by playwright-core). Printed, not asserted: `make bench-js`.
//
// Size: gzip -9 of what an app ships: pkg/index.js (JS glue + the wasm inside), and the workerd
// flavour (pkg/index.workerd.js + pkg/browser_bg.wasm); jwt-decode's ESM build.
// Speed: decode() of one token whose payload is 150 bytes, in batches of about 100 ms,
// alternating the two contenders; the median batch of each is reported, and the ratio.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const OURS = "js/pkg/index.js";
const THEIRS = "tests/browser/node_modules/jwt-decode/build/esm/index.js";
const PORT = 8804;

const gz = (path) => gzipSync(readFileSync(join(ROOT, path)), { level: 9 }).length;
const b64url = (text) => Buffer.from(text).toString("base64url");

// A session of exactly 150 bytes of JSON, as the counter demo's Worker would sign it.
function token150() {
  const claims = { sub: "user-1234567890", name: "Ada Lovelace", role: "admin", counter: 42, iat: 1795949031, exp: 1796035431, orig_iat: 1795949031 };
  let payload = JSON.stringify({ ...claims, pad: "" });
  payload = JSON.stringify({ ...claims, pad: "x".repeat(150 - payload.length) });
  if (Buffer.byteLength(payload) !== 150) throw new Error(`payload is ${payload.length} bytes`);
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(payload)}.${"S".repeat(43)}`;
}

// Runs where it is evaluated (Node, or a page): imports both modules from the given URLs.
async function bench({ oursUrl, theirsUrl, token, batches, batchMs }) {
  const { decode } = await import(oursUrl);
  const { jwtDecode } = await import(theirsUrl);
  const contenders = { ours: (t) => decode(t), theirs: (t) => jwtDecode(t) };
  let sink = 0;
  // Calibrate a batch size for each, after a warm-up that lets the JIT settle.
  const sizes = {};
  for (const [name, fn] of Object.entries(contenders)) {
    for (let i = 0; i < 20000; i++) sink += fn(token).counter;
    let n = 1000;
    for (;;) {
      const start = performance.now();
      for (let i = 0; i < n; i++) sink += fn(token).counter;
      const ms = performance.now() - start;
      if (ms >= batchMs / 4) {
        sizes[name] = Math.max(1, Math.round((n * batchMs) / ms));
        break;
      }
      n *= 4;
    }
  }
  const rates = { ours: [], theirs: [] };
  for (let b = 0; b < batches; b++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const n = sizes[name];
      const start = performance.now();
      for (let i = 0; i < n; i++) sink += fn(token).counter;
      rates[name].push((n / (performance.now() - start)) * 1000);
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { ours: median(rates.ours), theirs: median(rates.theirs), sink };
}

function serve() {
  const types = { ".js": "text/javascript", ".html": "text/html" };
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname.slice(1);
    if (path === "") return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>bench</title>");
    if (path !== OURS && path !== THEIRS) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[".js"] }).end(readFileSync(join(ROOT, path)));
  });
  return new Promise((ok) => server.listen(PORT, "127.0.0.1", () => ok(server)));
}

const fmt = (opsPerSec) => `${(opsPerSec / 1e6).toFixed(2)} M/s (${(1e9 / opsPerSec).toFixed(0)} ns)`;
function report(where, r) {
  console.log(
    `  ${where.padEnd(26)} worker-jwt-session ${fmt(r.ours).padEnd(20)} jwt-decode@4 ${fmt(r.theirs).padEnd(20)}` +
      ` ratio ${(r.ours / r.theirs).toFixed(2)}x (>1: worker-jwt-session faster)`,
  );
}

const token = token150();
const ours = gz(OURS);
const workerd = gz("js/pkg/index.workerd.js") + gz("js/pkg/browser_bg.wasm");
const theirs = gz(THEIRS);
console.log("size, gzip -9:");
console.log(`  worker-jwt-session  ${ours} B  js/pkg/index.js (JS + wasm inside; what a bundler ships)`);
console.log(`  worker-jwt-session  ${workerd} B  js/pkg/index.workerd.js + browser_bg.wasm (workerd flavour)`);
console.log(`  jwt-decode@4        ${theirs} B  build/esm/index.js`);
console.log(`  ratio ${(ours / theirs).toFixed(1)}x the size of jwt-decode (budget: 6144 B)`);

const options = { token, batches: 15, batchMs: 100 };
console.log(`decode of a token with a ${150}-byte payload (${token.length} chars), median of ${options.batches} batches:`);
const node = await bench({ ...options, oursUrl: pathToFileURL(join(ROOT, OURS)).href, theirsUrl: pathToFileURL(join(ROOT, THEIRS)).href });
report(`Node ${process.versions.node}`, node);

const { chromium } = await import(pathToFileURL(join(ROOT, "tests/browser/node_modules/playwright-core/index.mjs")).href);
const server = await serve();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  const origin = `http://127.0.0.1:${PORT}/`;
  const r = await page.evaluate(bench, { ...options, oursUrl: origin + OURS, theirsUrl: origin + THEIRS });
  report(`Chromium ${browser.version()}`, r);
} finally {
  await browser.close();
  server.close();
}
