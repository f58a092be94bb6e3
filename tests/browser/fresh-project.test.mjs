// `npm install` of the packed package (js/, as `npm publish` would ship it) into fresh projects,
// then `import { decode, readSession } from "worker-jwt-session"` with no configuration at all:
// a Vite app in headless Chromium, Node, esbuild, and a Worker bundled by wrangler in workerd.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, startWorker } from "../e2e/harness.mjs";
import { launchChromium, serveDirectory } from "./chromium.mjs";

const TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxLCJuYW1lIjoiWm_DqyJ9.c2lnbmF0dXJl";
const EXPECTED = { decoded: { counter: 1, name: "Zoë" }, header: { alg: "HS256", typ: "JWT" }, session: { counter: 1, name: "Zoë" }, code: "bad_base64" };
// The same few lines in every project: decode, the header, readSession on a cookie, an error.
const USE = `
import { decode, readSession, SessionDecodeError } from "worker-jwt-session";
const TOKEN = ${JSON.stringify(TOKEN)};
let code;
try { decode("e30.e31.e30"); } catch (err) { code = err instanceof SessionDecodeError && err.code; }
export const result = () => ({
  decoded: decode(TOKEN),
  header: decode(TOKEN, { header: true }),
  session: readSession("jwtsession", { cookie: "a=1; jwtsession=" + TOKEN }),
  code,
});
`;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const write = (dir, files) => Object.entries(files).forEach(([name, text]) => writeFileSync(join(dir, name), text));

describe("a fresh project that installs the packed package", () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "wjs-fresh-"));
    const tarball = run("npm", ["pack", `${ROOT}js`, "--pack-destination", dir, "--silent"], ROOT).trim().split("\n").pop();
    write(dir, {
      "package.json": JSON.stringify({ name: "fresh-app", private: true, type: "module" }),
      "use.js": USE,
    });
    // vite comes from npm's cache, filled by tests/browser's `npm ci`.
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "vite@8.3.8", `./${tarball}`], dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("the package holds only the whitelisted files", () => {
    const files = run("npm", ["pack", `${ROOT}js`, "--dry-run", "--json"], ROOT);
    const names = JSON.parse(files)[0].files.map((f) => f.path);
    for (const name of ["index.d.ts", "pkg/index.js", "pkg/index.workerd.js", "pkg/browser_bg.wasm", "package.json"]) {
      assert.ok(names.includes(name), `${name} in ${names}`);
    }
    assert.ok(!names.some((n) => n.startsWith("src/") || n.startsWith("test/") || n.endsWith(".mjs")), `${names}`);
  });

  test("Node 20 imports it with no init", () => {
    const out = run("node", ["--input-type=module", "-e", 'import { result } from "./use.js"; console.log(JSON.stringify(result()))'], dir);
    assert.deepEqual(JSON.parse(out), EXPECTED);
  });

  test("esbuild bundles it with no configuration", () => {
    write(dir, { "esbuild-entry.js": 'import { result } from "./use.js"; console.log(JSON.stringify(result()));' });
    run(`${ROOT}node_modules/.bin/esbuild`, ["esbuild-entry.js", "--bundle", "--format=esm", "--outfile=esbuild-out.mjs", "--log-level=warning"], dir);
    assert.deepEqual(JSON.parse(run("node", ["esbuild-out.mjs"], dir)), EXPECTED);
  });

  test("a Vite app builds with no configuration and runs in Chromium", async () => {
    write(dir, {
      "index.html": '<!doctype html><meta charset="utf-8"><title>fresh</title><pre id="out">…</pre><script type="module" src="./main.js"></script>',
      "main.js": 'import { result } from "./use.js"; document.getElementById("out").textContent = JSON.stringify(result());',
    });
    run(`${dir}/node_modules/.bin/vite`, ["build", "--logLevel", "warn"], dir);
    const assets = readdirSync(join(dir, "dist/assets"));
    assert.ok(!assets.some((f) => f.endsWith(".wasm")), `no separate wasm asset: ${assets}`);
    for (const file of assets) {
      const bytes = readFileSync(join(dir, "dist/assets", file));
      console.log(`# vite build: dist/assets/${file} ${bytes.length} B, ${gzipSync(bytes, { level: 9 }).length} B gzip -9`);
    }
    const server = await serveDirectory(join(dir, "dist"), 8802);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (err) => errors.push(err));
      await page.goto(server.url);
      await page.waitForFunction(() => document.getElementById("out").textContent !== "…");
      assert.deepEqual(errors, []);
      assert.deepEqual(JSON.parse(await page.locator("#out").textContent()), EXPECTED);
    } finally {
      await browser.close();
      await server.close();
    }
  });

  test("a Worker bundled by wrangler runs it in workerd (the wasm as a module, not compiled at run time)", async () => {
    write(dir, {
      "worker.js": 'import { result } from "./use.js"; export default { fetch: () => Response.json(result()) };',
      "wrangler.toml": 'name = "fresh-worker"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n',
    });
    run(`${ROOT}node_modules/.bin/wrangler`, ["deploy", "--dry-run", "--outdir", "build"], dir);
    const built = readdirSync(join(dir, "build"));
    assert.ok(built.some((f) => f.endsWith(".wasm")), `the wasm is a module of the Worker: ${built}`);
    const worker = await startWorker({}, { script: join(dir, "build/worker.js"), port: 8803 });
    try {
      const res = await worker.fetch("/");
      assert.deepEqual(await res.json(), EXPECTED);
    } finally {
      await worker.dispose();
    }
  });
});
