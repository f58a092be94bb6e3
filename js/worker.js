// worker-jwt-session/worker: sessions for JavaScript and TypeScript Workers, driven by the
// same Rust engine as the Rust middleware (compiled to wasm). This file only glues: every
// verification, policy decision, Set-Cookie, error answer and log line comes from Rust, with
// one call per direction.
import wasmModule from "./engine/worker_jwt_session_bg.wasm";
import {
  configure,
  initSync,
  maxValueDepth,
  optionTable,
  reservedClaims,
  unknownOptionAnswer,
  unsavedAnswer,
} from "./engine/worker_jwt_session.js";

// workerd refuses to compile wasm from bytes at run time; a wasm import is a compiled Module.
initSync({ module: wasmModule });

// Bit flags of the engine's commit.
const ACCESSED = 1;
const DESTROYED = 2;
const RESERVED = new Set(reservedClaims());
const PREFIX = "JWT_SESSION_";
/** Options by JS name → binding, from the engine's option table (config::SETTINGS). */
const OPTION_BINDINGS = new Map(JSON.parse(optionTable()).map((row) => [row.jsName, row.binding]));

/** How deep a session value may nest (a number is depth 0, `[1]` depth 1): the engine's limit. */
export const MAX_VALUE_DEPTH = maxValueDepth();

/** An error from the engine, with the stable `code` of the Rust API and the CLI. */
export class SessionError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = "SessionError";
    this.code = code;
  }
}

/** A plain copy of an engine answer (a wasm object), freed at once. */
function answerOf(js) {
  const answer = { status: js.status, body: js.body, contentType: js.contentType, code: js.code, log: js.log };
  js.free();
  return answer;
}

function settingsFrom(env, options) {
  const settings = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    if (key.startsWith(PREFIX) && value != null && typeof value !== "object") settings[key] = String(value);
  }
  for (const [name, value] of Object.entries(options ?? {})) {
    const binding = OPTION_BINDINGS.get(name);
    if (!binding) return { answer: answerOf(unknownOptionAnswer(name)) };
    if (value == null) continue;
    settings[binding] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return { json: JSON.stringify(settings) };
}

// One engine per env object (one per isolate in production) and options object: on a hit, a
// request pays two map look-ups; the bindings are read and the key state computed once. A
// configuration error is kept the same way (its answer is logged on every request).
const engines = new WeakMap();
const NO_ENV = {};
const NO_OPTIONS = {};

/**
 * The engine for these bindings and options: `{ engine }`, or `{ answer }`, the engine's
 * answer to the configuration error (`status`, `body`, `contentType`, `code`, `log`).
 */
export function configured(env, options) {
  const envKey = env && typeof env === "object" ? env : NO_ENV;
  let perEnv = engines.get(envKey);
  if (!perEnv) engines.set(envKey, (perEnv = new Map()));
  const optionsKey = options ?? NO_OPTIONS;
  let built = perEnv.get(optionsKey);
  if (!built) {
    const settings = settingsFrom(env, options);
    if (settings.answer) {
      built = { answer: settings.answer };
    } else {
      const setup = configure(settings.json);
      const engine = setup.takeEngine();
      const answer = setup.takeAnswer();
      setup.free();
      built = engine ? { engine } : { answer: answerOf(answer) };
    }
    perEnv.set(optionsKey, built);
  }
  return built;
}

/**
 * The configured engine for these bindings and options.
 * @throws {SessionError} code `config`, with the engine's `answer` to it.
 */
export function engineFor(env, options) {
  const { engine, answer } = configured(env, options);
  if (engine) return engine;
  const err = new SessionError("config", "the JWT_SESSION_* settings are invalid (details in err.answer.log)");
  err.answer = answer;
  throw err;
}

/** Throws the SessionError `bad_json` unless `value` is JSON with well-formed strings and no deeper than the limit. */
function checkedCopy(key, value) {
  const fail = (why) => new SessionError("bad_json", `value for ${JSON.stringify(key)} ${why}`);
  if (value === undefined) throw fail("is undefined");
  let text;
  try {
    // Also what the engine gets: toJSON() (a Date) applies; a BigInt or a cycle throws.
    text = JSON.stringify(value);
  } catch (err) {
    throw fail(`is not JSON (${err?.message ?? err})`);
  }
  if (text === undefined) throw fail(`is not JSON (${typeof value})`);
  const copy = JSON.parse(text);
  // Iterative walk: the depth (a primitive is 0, `[]` is 1) and every string, keys too.
  const stack = [[copy, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop();
    if (typeof v === "string") {
      if (!v.isWellFormed()) throw fail("holds a lone surrogate (not valid Unicode)");
    } else if (v !== null && typeof v === "object") {
      if (depth + 1 > MAX_VALUE_DEPTH) throw fail(`nests deeper than ${MAX_VALUE_DEPTH} levels`);
      for (const k of Object.keys(v)) {
        if (!Array.isArray(v) && !k.isWellFormed()) throw fail("has a key with a lone surrogate (not valid Unicode)");
        stack.push([v[k], depth + 1]);
      }
    }
  }
  return copy;
}

/** Stores `value` under `key` as an own data property (`__proto__` too). */
function define(data, key, value) {
  Object.defineProperty(data, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The session a handler reads and changes: a JSON object. The data is parsed when the handler
 * first reads it; at commit each key's JSON is compared with what it was then, and only the
 * keys that changed (through `set`, or through an object `get` returned) go to the engine, so
 * every other value goes out exactly as it came in.
 */
export class Session {
  #loaded;
  #json;
  #data;
  #baseline;
  #flags = 0;
  #regenerated = false;
  #id;

  /** @internal */
  constructor(loaded) {
    this.#loaded = loaded;
    this.#json = loaded.json;
    this.#id = loaded.sid;
  }

  /** The session's id (`sid`, readable in the cookie: not a secret); it changes at `regenerate()`. */
  get id() {
    this.#flags |= ACCESSED;
    return this.#id;
  }

  #read() {
    this.#flags |= ACCESSED;
    if (this.#data === undefined) {
      this.#data = JSON.parse(this.#json);
      this.#baseline = new Map(Object.keys(this.#data).map((k) => [k, JSON.stringify(this.#data[k])]));
    }
    return this.#data;
  }

  /** The value under `key`, or undefined. Changes made through it are saved. */
  get(key) {
    const data = this.#read();
    return typeof key === "string" && Object.hasOwn(data, key) ? data[key] : undefined;
  }

  /** Whether `key` is present. */
  has(key) {
    return typeof key === "string" && Object.hasOwn(this.#read(), key);
  }

  /**
   * Stores a copy of a JSON value.
   * @throws {SessionError} `reserved_claim` for `iat`, `exp`, `nbf`, `orig_iat`, `sid`;
   *   `bad_json` for a key that is not a string (a JSON object's keys are strings) or holds a
   *   lone surrogate, and for a value JSON cannot hold (undefined, a function, a BigInt, a
   *   cycle), with a lone surrogate in a string, or nested deeper than `MAX_VALUE_DEPTH`.
   */
  set(key, value) {
    if (typeof key !== "string") {
      throw new SessionError("bad_json", `a session key must be a string, not ${Array.isArray(key) ? "an array" : typeof key}`);
    }
    if (RESERVED.has(key)) throw new SessionError("reserved_claim", `${JSON.stringify(key)} is managed by worker-jwt-session`);
    if (!key.isWellFormed()) throw new SessionError("bad_json", "a session key holds a lone surrogate (not valid Unicode)");
    define(this.#read(), key, checkedCopy(key, value));
    return this;
  }

  /** Removes `key`; true when it was there. */
  delete(key) {
    const data = this.#read();
    if (typeof key !== "string" || !Object.hasOwn(data, key)) return false;
    delete data[key];
    return true;
  }

  /** Removes every value. */
  clear() {
    const data = this.#read();
    for (const key of Object.keys(data)) delete data[key];
  }

  /** Ends the session: the response expires the cookie. */
  destroy() {
    this.clear();
    this.#flags |= DESTROYED;
  }

  /**
   * Revokes this session and ends it: at commit the engine writes `sid:<sid>` to the
   * revocation KV namespace (`JWT_SESSION_REVOCATION_KV`) and expires the cookie, so a copy of
   * the cookie kept elsewhere (a stolen one) is refused from then on.
   * @throws {SessionError} `config` when revocation is off.
   */
  revoke() {
    this.#read();
    const [code, message] = this.#loaded.revoke();
    if (code) throw new SessionError(code, message);
    this.destroy();
  }

  /**
   * Revokes every session of this session's user that began before now, this one included
   * (log out everywhere), and ends this one. The user is the claim `JWT_SESSION_USER_CLAIM`
   * (default `sub`) of the current data.
   * @throws {SessionError} `revocation_unavailable` when the data has no user claim; `config`
   *   when revocation is off.
   */
  revokeAll() {
    const [code, message] = this.#loaded.revokeAll(JSON.stringify(this.#read()));
    if (code) throw new SessionError(code, message);
    this.destroy();
  }

  /** Starts a new session with the same data: a new id (`id` shows it at once), a new start time. For use after login. */
  regenerate() {
    this.#read();
    this.#flags &= ~DESTROYED;
    this.#regenerated = true;
    this.#id = this.#loaded.regenerate();
  }

  /** Whether the response will save a change: data that differs from what came in, or a destroy/regenerate. */
  isModified() {
    if (this.#flags & DESTROYED || this.#regenerated) return true;
    try {
      const { set, removed } = this.#changes();
      return set.length > 0 || removed.length > 0;
    } catch {
      return true;
    }
  }

  /** A copy of the data. */
  toJSON() {
    return JSON.parse(JSON.stringify(this.#read()));
  }

  /** The keys whose JSON differs from what came in, with their new JSON; the keys removed. */
  #changes() {
    const set = [];
    const values = [];
    const removed = [];
    if (this.#data === undefined) return { set, values, removed };
    for (const key of Object.keys(this.#data)) {
      const text = JSON.stringify(this.#data[key]);
      if (this.#baseline.get(key) !== text) {
        set.push(key);
        // undefined (a value replaced by a function through a reference) is not JSON: the engine says so.
        values.push(text ?? "undefined");
      }
    }
    for (const key of this.#baseline.keys()) if (!Object.hasOwn(this.#data, key)) removed.push(key);
    return { set, values, removed };
  }

  /** @internal the engine's plan for the response (a wasm object), or throws while serializing. */
  static plan(session, engine, url, status, vary) {
    const { set, values, removed } = session.#changes();
    return engine.commit(session.#loaded, set, values, removed, session.#flags, url, status, vary, now());
  }
}

const now = () => Date.now() / 1000;

/** KV's shortest edge cache for a read, in seconds (the engine's revocation::KV_CACHE_TTL_SECS). */
const KV_CACHE_TTL_SECS = 60;

/** The KV namespace revocation uses, or undefined when the Worker lacks it. */
function revocationStore(engine, env) {
  const kv = env?.[engine.revocationBinding];
  return kv && typeof kv.get === "function" && typeof kv.put === "function" ? kv : undefined;
}

/**
 * The engine's answer when revocation names a KV binding this Worker does not have, or
 * undefined when revocation is off or the binding is there.
 */
export function missingStore(engine, env) {
  if (engine.revocationBinding === undefined || revocationStore(engine, env)) return undefined;
  return answerOf(engine.missingBindingAnswer());
}

/** Reads the revocation keys the engine asks for (one bulk read) and hands it what was found. */
async function checkRevocation(engine, loaded, env) {
  const keys = engine.lookups(loaded);
  if (keys.length === 0) return;
  let found;
  let error;
  try {
    const values = await revocationStore(engine, env).get(keys, { type: "text", cacheTtl: KV_CACHE_TTL_SECS });
    found = JSON.stringify(keys.map((key) => values.get(key) ?? null));
  } catch (err) {
    error = String(err?.message ?? err);
  }
  const log = engine.resolve(loaded, found, error);
  if (log) console.log(log);
}

/**
 * Reads the request's session: `{ loaded, session }` (the engine's state, the handler's
 * Session), or `{ refused }`, the engine's answer to an unsafe request that CSRF protection
 * refused (answer it; do not run the handler). A cookie that fails any check gives an empty
 * session, and the engine's log line. With revocation on, the session is checked in the KV
 * namespace of `env` first (a request without a session makes no KV call).
 */
export async function loadSession(engine, request, env) {
  const h = request.headers;
  const header = (name) => h.get(name) ?? undefined;
  const loaded = engine.load(
    header("Cookie"),
    request.method,
    request.url,
    header("Origin"),
    header("Sec-Fetch-Site"),
    header("X-CSRF-Token"),
    now(),
  );
  const refused = loaded.refused;
  if (refused) {
    // CSRF protection refused the request: the handler must not run, nothing is committed.
    loaded.free();
    return { refused: answerOf(refused) };
  }
  const log = loaded.rejectedLog;
  if (log) console.log(log);
  await checkRevocation(engine, loaded, env);
  return { loaded, session: new Session(loaded) };
}

/** The engine's answer as a Response, its log line in the error log. */
export function answerResponse(answer) {
  console.error(answer.log);
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": answer.contentType } });
}

/** Forgets the session without committing anything (the handler failed): the old cookie stays valid. */
export function discardSession(state) {
  state.loaded.free();
}

/**
 * Applies the engine's plan to `response`: the revocations it asks for written to KV first,
 * then its headers appended in order (each Set-Cookie its own), or the engine's answer instead
 * when the session cannot be saved or revoked (a clean 500, with the reason in the log).
 * Never throws for a session error.
 */
export async function commitSession(engine, { loaded, session }, request, response, env) {
  let vary;
  try {
    vary = response.headers.get("Vary") ?? undefined;
  } catch (err) {
    // Not a Response: the handler's bug, not the session's.
    loaded.free();
    throw err;
  }
  let headers;
  let answer;
  let warning;
  let writes = [];
  try {
    const plan = Session.plan(session, engine, request.url, response.status, vary);
    const js = plan.answer;
    answer = js && answerOf(js);
    headers = plan.headers;
    warning = plan.warning;
    writes = plan.writes;
    plan.free();
  } catch (err) {
    // The data could not be serialized (a cycle or a BigInt put in through a reference).
    answer = answerOf(unsavedAnswer(String(err?.message ?? err)));
  } finally {
    loaded.free();
  }
  if (!answer && writes.length > 0) {
    try {
      const kv = revocationStore(engine, env);
      for (let i = 0; i + 2 < writes.length; i += 3) {
        await kv.put(writes[i], writes[i + 1], { expirationTtl: Number(writes[i + 2]) });
      }
    } catch (err) {
      answer = answerOf(engine.revocationFailed(String(err?.message ?? err)));
    }
  }
  if (answer) return answerResponse(answer);
  if (warning) console.warn(warning);
  if (headers.length === 0) return response;
  try {
    appendAll(response.headers, headers);
    return response;
  } catch {
    // Headers of a response from fetch() are immutable (the first append throws, so nothing
    // was added): copy the response once.
    const copy = new Response(response.body, response);
    appendAll(copy.headers, headers);
    return copy;
  }
}

function appendAll(target, flat) {
  for (let i = 0; i + 1 < flat.length; i += 2) target.append(flat[i], flat[i + 1]);
}

/**
 * The 500 answer to a configuration error, as the engine words it: the body names only the
 * binding to fix (never a value, nor a secret's length); the reason goes to the log.
 */
export function misconfigured(answer) {
  return answerResponse(answer);
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
    const { engine, answer } = configured(env, options);
    if (answer) return misconfigured(answer);
    const missing = missingStore(engine, env);
    if (missing) return misconfigured(missing);
    const state = await loadSession(engine, request, env);
    if (state.refused) return answerResponse(state.refused);
    let response;
    try {
      response = await handler(request, env, ctx, state.session);
    } catch (err) {
      discardSession(state);
      throw err;
    }
    return commitSession(engine, state, request, response, env);
  };
}
