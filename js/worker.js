// worker-jwt-session/worker: sessions for JavaScript and TypeScript Workers, driven by the
// same Rust engine as the Rust middleware (compiled to wasm). This file only glues: every
// verification, policy decision and Set-Cookie is made in Rust, with one call per direction.
import wasmModule from "./engine/worker_jwt_session_bg.wasm";
import { initSync, Engine } from "./engine/worker_jwt_session.js";

// workerd refuses to compile wasm from bytes at run time; a wasm import is a compiled Module.
initSync({ module: wasmModule });

const ACCESSED = 1;
const DESTROYED = 2;
const REGENERATED = 4;
const RESERVED = new Set(Engine.reservedClaims());
const PREFIX = "JWT_SESSION_";

/** Options, each the camelCase of a `JWT_SESSION_*` binding; they override the bindings. */
const OPTION_BINDINGS = {
  secret: "SECRET",
  previousSecrets: "PREVIOUS_SECRETS",
  cookie: "COOKIE",
  maxAge: "MAX_AGE",
  refreshAfter: "REFRESH_AFTER",
  absoluteLifetime: "ABSOLUTE_LIFETIME",
  leeway: "LEEWAY",
  algorithm: "ALGORITHM",
  algorithms: "ALGORITHMS",
  allowLegacy: "ALLOW_LEGACY",
  path: "PATH",
  domain: "DOMAIN",
  sameSite: "SAME_SITE",
  secure: "SECURE",
  httpOnly: "HTTP_ONLY",
  partitioned: "PARTITIONED",
  maxChunks: "MAX_CHUNKS",
};

/** An error from the engine, with the stable `code` of the Rust API and the CLI. */
export class SessionError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SessionError";
    this.code = code;
  }
}

function toSessionError(err) {
  if (err instanceof SessionError) return err;
  const text = String(err?.message ?? err);
  const m = /^([a-z_0-9]+): /.exec(text);
  return m ? new SessionError(m[1], text) : err;
}

function settingsFrom(env, options) {
  const settings = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    if (key.startsWith(PREFIX) && value != null && typeof value !== "object") settings[key] = String(value);
  }
  for (const [name, value] of Object.entries(options ?? {})) {
    const binding = OPTION_BINDINGS[name];
    if (!binding) throw new SessionError("config", `config: unknown option ${JSON.stringify(name)}`);
    if (value == null) continue;
    settings[PREFIX + binding] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return JSON.stringify(settings);
}

// One engine per env object (one per isolate in production) and options object: on a hit, a
// request pays two map look-ups; the bindings are read and the key state computed once.
const engines = new WeakMap();
const NO_ENV = {};
const NO_OPTIONS = {};

/**
 * The configured engine for these bindings and options.
 * @throws {SessionError} code `config`, with a message naming the binding.
 */
export function engineFor(env, options) {
  const envKey = env && typeof env === "object" ? env : NO_ENV;
  let perEnv = engines.get(envKey);
  if (!perEnv) engines.set(envKey, (perEnv = new Map()));
  const optionsKey = options ?? NO_OPTIONS;
  let engine = perEnv.get(optionsKey);
  if (!engine) {
    try {
      engine = new Engine(settingsFrom(env, options));
    } catch (err) {
      throw toSessionError(err);
    }
    perEnv.set(optionsKey, engine);
  }
  return engine;
}

function jsonValue(key, value) {
  if (value === undefined) throw new SessionError("bad_json", `bad_json: value for ${JSON.stringify(key)} is undefined`);
  let text;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new SessionError("bad_json", `bad_json: value for ${JSON.stringify(key)} is not JSON (${err.message})`);
  }
  if (text === undefined) throw new SessionError("bad_json", `bad_json: value for ${JSON.stringify(key)} is not JSON`);
  return JSON.parse(text);
}

/** The session a handler reads and changes: a JSON object. */
export class Session {
  #data;
  #flags = 0;
  #touched = false;
  #original;
  #id;

  constructor(json, id) {
    this.#original = json;
    this.#data = JSON.parse(json);
    this.#id = id;
  }

  /** The session's id (`sid`, readable in the cookie: not a secret), or undefined before the first save. */
  get id() {
    this.#flags |= ACCESSED;
    return this.#id;
  }

  #read() {
    this.#flags |= ACCESSED;
    return this.#data;
  }

  #write() {
    this.#touched = true;
    return this.#read();
  }

  /** The value under `key`, or undefined. */
  get(key) {
    const data = this.#read();
    return Object.hasOwn(data, key) ? data[key] : undefined;
  }

  /** Whether `key` is present. */
  has(key) {
    return Object.hasOwn(this.#read(), key);
  }

  /** Stores a JSON value; `iat`, `exp`, `nbf`, `orig_iat` and `sid` are managed and refused. */
  set(key, value) {
    if (RESERVED.has(key)) {
      throw new SessionError("reserved_claim", `reserved_claim: ${JSON.stringify(key)} is managed by worker-jwt-session`);
    }
    const json = jsonValue(key, value);
    this.#write()[key] = json;
    return this;
  }

  /** Removes `key`; true when it was there. */
  delete(key) {
    const data = this.#write();
    const had = Object.hasOwn(data, key);
    delete data[key];
    return had;
  }

  /** Removes every value. */
  clear() {
    this.#write();
    this.#data = {};
  }

  /** Ends the session: the response expires the cookie. */
  destroy() {
    this.clear();
    this.#flags |= DESTROYED;
  }

  /** Starts a new session with the same data (new start time), e.g. after login. */
  regenerate() {
    this.#flags = (this.#flags | REGENERATED) & ~DESTROYED;
    this.#write();
  }

  /** Whether the data differs from what came in, or the session was destroyed/regenerated. */
  isModified() {
    return (this.#flags & (DESTROYED | REGENERATED)) !== 0 || JSON.stringify(this.#data) !== this.#original;
  }

  /** A copy of the data. */
  toJSON() {
    return structuredClone(this.#read());
  }

  /** @internal what the engine needs on the way out. */
  static commitArgs(session) {
    return [session.#touched ? JSON.stringify(session.#data) : undefined, session.#flags];
  }
}

const isHttps = (request) => request.url.startsWith("https:");
const now = () => Date.now() / 1000;

/** Reads the request's session. A cookie that fails any check gives an empty session. */
export function loadSession(engine, request) {
  const loaded = engine.load(request.headers.get("Cookie") ?? undefined, now());
  const rejected = loaded.rejected;
  // The code only, never the cookie.
  if (rejected) console.log(`worker-jwt-session: session cookie rejected: ${rejected}`);
  return { loaded, session: new Session(loaded.json, loaded.sid) };
}

/**
 * Adds Set-Cookie (each its own header) and `Vary: Cookie` to `response` as the engine decides.
 * A session too large to save becomes a 500 with the reason in the log.
 */
export function commitSession(engine, { loaded, session }, request, response) {
  const [json, flags] = Session.commitArgs(session);
  let out;
  try {
    out = engine.commit(loaded, json, flags, isHttps(request), response.status, now());
  } catch (err) {
    const e = toSessionError(err);
    console.error(`worker-jwt-session: session not saved: ${e.message}`);
    if (e.code === "too_large") return new Response("Internal Server Error: the session could not be saved", { status: 500 });
    throw e;
  } finally {
    loaded.free();
  }
  const cookies = out.cookies;
  const vary = out.vary;
  out.free();
  if (cookies.length === 0 && !vary) return response;
  let headers = response.headers;
  try {
    if (vary) headers.append("Vary", "Cookie");
    for (const c of cookies) headers.append("Set-Cookie", c);
    return response;
  } catch {
    // Headers of a response from fetch() are immutable: copy the response once.
    const copy = new Response(response.body, response);
    if (vary && !/\bcookie\b/i.test(copy.headers.get("Vary") ?? "")) copy.headers.append("Vary", "Cookie");
    for (const c of cookies) copy.headers.append("Set-Cookie", c);
    return copy;
  }
}

/**
 * The 500 answer for a configuration error: the reason goes to the log, the body names only
 * the binding to fix (never a value, nor a secret's length). Same text as the Rust middleware.
 */
export function misconfigured(err) {
  console.error(`worker-jwt-session: misconfigured: ${err.message}`);
  return new Response(Engine.misconfiguredBody(err.message), { status: 500 });
}

/**
 * Wraps a fetch handler: `(request, env, ctx, session) => Response`.
 * When the handler throws, nothing is committed and the old cookie stays valid.
 *
 * @example
 * export default {
 *   fetch: withJwtSession(async (request, env, ctx, session) => {
 *     const n = (session.get("counter") ?? 0) + 1;
 *     session.set("counter", n);
 *     return new Response(`Current counter value: ${n}`);
 *   }),
 * };
 */
export function withJwtSession(handler, options) {
  return async function fetch(request, env, ctx) {
    let engine;
    try {
      engine = engineFor(env, options);
    } catch (err) {
      if (err instanceof SessionError && err.code === "config") return misconfigured(err);
      throw err;
    }
    const state = loadSession(engine, request);
    let response;
    try {
      response = await handler(request, env, ctx, state.session);
    } catch (err) {
      state.loaded.free();
      throw err;
    }
    return commitSession(engine, state, request, response);
  };
}
