// The demos as a user runs them: the real `wrangler dev` (the README's `make dev` and
// `make dev-js` do the same, on ports 8787 and 8788 with the secret from .dev.vars), walked
// with a real HTTP client.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Jar, ROOT, SECRET } from "./harness.mjs";

const DEMOS = [
  { name: "make dev (Rust, examples/counter)", cwd: ROOT, port: 8789 },
  { name: "make dev-js (JavaScript, examples/counter-js)", cwd: `${ROOT}examples/counter-js`, port: 8785 },
];

for (const demo of DEMOS) describe(demo.name, () => {
  const PORT = demo.port;
  const BASE = `http://127.0.0.1:${PORT}`;
  let child;
  let output = "";

  before(async () => {
    child = spawn(
      "npx",
      ["wrangler", "dev", "--port", String(PORT), "--ip", "127.0.0.1", "--show-interactive-dev-session=false",
       "--var", `JWT_SESSION_SECRET:${SECRET}`],
      {
        cwd: demo.cwd,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    // Poll for readiness: wrangler builds the Worker (incrementally) before it listens.
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (child.exitCode !== null) assert.fail(`wrangler dev exited early:\n${output}`);
      try {
        const res = await fetch(`${BASE}/session`);
        if (res.ok) break;
      } catch {}
      if (Date.now() > deadline) assert.fail(`wrangler dev did not answer within 240 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, { timeout: 300_000 });

  after(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 10_000);
    await exited;
    clearTimeout(timer);
    // wrangler's workerd child belongs to the same process group; make sure none outlives us.
    try { process.kill(-child.pid, "SIGKILL"); } catch {}
  });

  test("wrangler dev serves the counter: 1, 2, 3 over real HTTP with a cookie jar", async () => {
    const jar = new Jar();
    for (const want of [1, 2, 3]) {
      const res = jar.store(await fetch(`${BASE}/`, { headers: { Cookie: jar.header() } }));
      assert.equal(res.status, 200);
      assert.equal(await res.text(), `Current counter value: ${want}\n`);
      const [cookie] = res.headers.getSetCookie();
      assert.match(cookie, /^jwtsession=eyJ[^;]+; Path=\/; Max-Age=86400; Expires=[^;]+; SameSite=Lax$/);
    }
    const out = jar.store(await fetch(`${BASE}/logout`, { headers: { Cookie: jar.header() } }));
    assert.equal(out.status, 200);
    assert.equal(jar.cookies.size, 0);
  });
});
