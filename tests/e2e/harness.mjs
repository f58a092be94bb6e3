// Shared by the end-to-end suites: start the demo Worker in workerd (Miniflare), a cookie jar,
// and tokens signed by the project's own CLI (so tests can set any time with --now).
import { Miniflare } from "miniflare";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = process.env.JWT_SESSION_BIN ?? `${ROOT}target/release/jwt-session`;
export const SECRET = "e2e-secret-0123456789abcdef-0123456789abcdef";
export const OLD_SECRET = "e2e-old-secret-0123456789abcdef-0123456789";
export const now = () => Math.floor(Date.now() / 1000);

// Fixed ports (127.0.0.1 only), one per Miniflare instance a suite starts.
let nextPort = Number(process.env.E2E_BASE_PORT ?? 8790);

/**
 * Starts a built Worker in workerd with these bindings; collects its console output.
 * `script`: the built Worker, from the repository root (or an absolute path).
 * `assets`: a directory (from the repository root) served in front of the Worker, as the
 * `[assets]` of wrangler.toml does; `port`: a fixed port instead of the next free one.
 */
export async function startWorker(bindings, { script = "examples/counter/build/index.js", assets, port: fixedPort } = {}) {
  const logs = [];
  const collect = (stream) => stream.on("data", (chunk) => logs.push(String(chunk)));
  const port = fixedPort ?? nextPort++;
  const mf = new Miniflare({
    modules: true,
    scriptPath: script.startsWith("/") ? script : `${ROOT}${script}`,
    // A Worker built outside the repository (a test's temporary project) names its modules
    // from its own directory.
    ...(script.startsWith("/") && { modulesRoot: script.slice(0, script.lastIndexOf("/")) }),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    bindings,
    // As wrangler does for `[assets]` with a `main`: a matching file is served, anything else
    // goes to the Worker.
    ...(assets && {
      assets: {
        directory: `${ROOT}${assets}`,
        routerConfig: { has_user_worker: true },
        assetConfig: { html_handling: "auto-trailing-slash", not_found_handling: "none" },
      },
    }),
    host: "127.0.0.1",
    port,
    handleRuntimeStdio(stdout, stderr) {
      collect(stdout);
      collect(stderr);
    },
  });
  // A runtime that fails to start must not keep the test process alive.
  await mf.ready.catch(async (err) => {
    await mf.dispose().catch(() => {});
    throw new Error(`${err.message}\n${logs.join("")}`, { cause: err });
  });
  return {
    mf,
    port,
    logs: () => logs.join(""),
    fetch: (path, init = {}) => mf.dispatchFetch(new URL(path, init.base ?? "http://example.test").href, init),
    dispose: () => mf.dispose(),
  };
}

/** A browser-like cookie jar: Max-Age=0 deletes, everything else stores name=value. */
export class Jar {
  constructor() {
    this.cookies = new Map();
  }
  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      if (/;\s*max-age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return response;
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** A token from `jwt-session sign`, with `iat`/`exp` at the given time. */
export function sign(payload, { secret = SECRET, at = now(), maxAge = 3600, alg, noExp = false } = {}) {
  const args = ["sign", "--secret-env", "E2E_SECRET", "--now", String(at), "--max-age", String(maxAge)];
  if (alg) args.push("--alg", alg);
  if (noExp) args.push("--no-exp");
  return execFileSync(CLI, args, {
    // BigInts are written as JSON integers, digit for digit (above 2^53 too).
    input: JSON.stringify(payload, (_, v) => (typeof v === "bigint" ? `\u0000big:${v}` : v)).replace(
      /"\\u0000big:(-?\d+)"/g,
      "$1",
    ),
    env: { ...process.env, E2E_SECRET: secret },
  })
    .toString()
    .trim();
}

/** The payload of a token, without verification. */
export function payloadOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}

/** Whether `jwt-session verify` accepts the token with this secret. */
export function verifies(token, secret) {
  try {
    execFileSync(CLI, ["verify", token, "--secret-env", "E2E_SECRET"], {
      env: { ...process.env, E2E_SECRET: secret },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return true;
  } catch {
    return false;
  }
}

export const b64url = (s) => Buffer.from(s).toString("base64url");

/**
 * KV test doubles, bound to an app as workerd "wrapped bindings" (plain objects in the app's
 * isolate, with KV's methods, as a Rust Worker's `env.kv()` needs): `counting` forwards to
 * Miniflare's real KV namespace STORE and counts each call in this Node process; `failing`
 * throws, as KV does when it is unavailable.
 */
const KV_DOUBLES = `
const methods = (call) => ({
  get: (...args) => call("get", args),
  getWithMetadata: (...args) => call("getWithMetadata", args),
  put: (...args) => call("put", args),
  list: (...args) => call("list", args),
  delete: (...args) => call("delete", args),
});
export function counting(env) {
  return methods(async (name, args) => {
    await env.COUNT.fetch("http://count/" + name);
    return env.STORE[name](...args);
  });
}
export function failing() {
  return methods(async () => {
    throw new Error("KV is unavailable (test double)");
  });
}
`;

/**
 * Starts several copies of a built Worker in one workerd (Miniflare), each with its own
 * bindings: `{ name, bindings, kvNamespaces?, kvDouble? }`, where `kvDouble` maps a binding
 * to `"counting"` or `"failing"` (see KV_DOUBLES). The first app answers `fetch(path)` too.
 * Returns `fetch(name, path, init)`, `kvCalls()` / `resetKvCalls()` (the counting double's
 * calls), the collected log, and Miniflare.
 */
export async function startApps(script, apps, { port }) {
  const logs = [];
  let kvCalls = 0;
  const collect = (stream) => stream.on("data", (chunk) => logs.push(String(chunk)));
  const modulesRules = [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ];
  const mf = new Miniflare({
    workers: [
      ...apps.map((app) => ({
        modules: true,
        modulesRules,
        compatibilityDate: "2026-04-01",
        name: app.name,
        scriptPath: `${ROOT}${script}`,
        bindings: app.bindings,
        kvNamespaces: app.kvNamespaces,
        wrappedBindings: Object.fromEntries(
          Object.entries(app.kvDouble ?? {}).map(([binding, entrypoint]) => [
            binding,
            { scriptName: "kv-doubles", entrypoint },
          ]),
        ),
      })),
      {
        name: "kv-doubles",
        modules: true,
        script: KV_DOUBLES,
        kvNamespaces: ["STORE"],
        serviceBindings: {
          COUNT() {
            kvCalls++;
            return new Response(null, { status: 204 });
          },
        },
      },
    ],
    host: "127.0.0.1",
    port,
    handleRuntimeStdio(stdout, stderr) {
      collect(stdout);
      collect(stderr);
    },
  });
  await mf.ready.catch(async (err) => {
    await mf.dispose().catch(() => {});
    throw new Error(`${err.message}\n${logs.join("")}`, { cause: err });
  });
  const workers = new Map();
  const worker = async (name) => {
    if (!workers.has(name)) workers.set(name, await mf.getWorker(name));
    return workers.get(name);
  };
  return {
    mf,
    logs: () => logs.join(""),
    kvCalls: () => kvCalls,
    resetKvCalls: () => {
      kvCalls = 0;
    },
    fetch: async (name, path, init = {}) => (await worker(name)).fetch(new URL(path, "http://example.test").href, init),
    dispose: () => mf.dispose(),
  };
}
