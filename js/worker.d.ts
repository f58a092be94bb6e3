/** The stable error codes, shared with the Rust API and the `jwt-session` CLI. */
export type SessionErrorCode =
  | "malformed" | "bad_base64" | "bad_json" | "unsupported_algorithm" | "unknown_key"
  | "bad_signature" | "expired" | "not_yet_valid" | "issued_in_future" | "missing_exp"
  | "lifetime_exceeded" | "too_large" | "config" | "reserved_claim" | "incomplete" | "csrf"
  | "revoked" | "revocation_unavailable" | "decrypt";

/** How deep a session value may nest (a number is depth 0, `[1]` is 1): `set` refuses deeper values. */
export const MAX_VALUE_DEPTH: number;

/** An error from the engine; `code` is stable, the message is for people. */
export class SessionError extends Error {
  readonly name: "SessionError";
  readonly code: SessionErrorCode;
}

/** A JSON value that a session can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type SessionData = Record<string, JsonValue>;

/**
 * The session a handler reads and changes: a JSON object, signed into the cookie on the way out.
 * Only the keys the handler changed are sent to the engine (compared by their JSON), so every
 * other value goes out exactly as it came in (integers above 2^53 too).
 */
export class Session<T extends SessionData = SessionData> {
  /**
   * The session's id (`sid`): readable in the cookie, so never a secret; undefined for a new
   * session before its first save. It changes at `regenerate()`, visible here at once.
   */
  readonly id: string | undefined;
  /** The value under `key`. Changes made through the object or array it returns are saved too. */
  get<K extends keyof T & string>(key: K): T[K] | undefined;
  has(key: keyof T & string): boolean;
  /**
   * Stores a copy of `value` (`__proto__` is stored as data like any key).
   * @throws {SessionError} `reserved_claim` for iat/exp/nbf/orig_iat/sid; `bad_json` for a key
   * that is not a string (as `["exp"]`) or holds a lone surrogate, and for a value JSON cannot
   * hold (undefined, a function, a BigInt, a cycle), with a lone surrogate in any string, or
   * nested deeper than {@link MAX_VALUE_DEPTH}.
   */
  set<K extends keyof T & string>(key: K, value: T[K]): this;
  delete(key: keyof T & string): boolean;
  clear(): void;
  /** Ends the session: the response expires the cookie. */
  destroy(): void;
  /**
   * Revokes this session and ends it (needs `JWT_SESSION_REVOCATION_KV`): at commit `sid:<id>`
   * is written to the KV namespace and the cookie is expired; a copy kept elsewhere is refused.
   * @throws {SessionError} `config` when revocation is off.
   */
  revoke(): void;
  /**
   * Revokes every session of this user (the claim `JWT_SESSION_USER_CLAIM`, default `sub`)
   * that began before now, this one included, and ends this one: "log out everywhere".
   * @throws {SessionError} `revocation_unavailable` when the data has no user claim; `config`
   *   when revocation is off.
   */
  revokeAll(): void;
  /** Starts a new session with the same data: a new `id` (at once) and start time, e.g. after login. */
  regenerate(): void;
  /** Whether the response saves a change: a value that differs from what came in, a destroy or a regenerate. */
  isModified(): boolean;
  toJSON(): Partial<T>;
}

/** Options: each is the camelCase of a `JWT_SESSION_*` binding and overrides it. */
export interface JwtSessionOptions {
  secret?: string;
  previousSecrets?: string | string[];
  cookie?: string;
  maxAge?: number;
  refreshAfter?: number;
  absoluteLifetime?: number;
  leeway?: number;
  algorithm?: "HS256" | "HS384" | "HS512";
  algorithms?: string | Array<"HS256" | "HS384" | "HS512">;
  allowLegacy?: boolean;
  path?: string;
  domain?: string;
  sameSite?: "Strict" | "Lax" | "None";
  secure?: "auto" | "always" | "never" | boolean;
  httpOnly?: boolean;
  partitioned?: boolean;
  maxChunks?: number;
  mode?: "single" | "split" | "encrypted";
  csrf?: "off" | "on";
  trustedOrigins?: string | string[];
  revocationKv?: string;
  userClaim?: string;
  revocationFailure?: "closed" | "open";
}

/** Bindings read from `env`: the secret and any `JWT_SESSION_*` var. */
export interface JwtSessionEnv {
  JWT_SESSION_SECRET?: string;
  JWT_SESSION_PREVIOUS_SECRETS?: string;
  [binding: `JWT_SESSION_${string}`]: string | number | boolean | undefined;
}

export type SessionHandler<Env, T extends SessionData> = (
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  session: Session<T>,
) => Response | Promise<Response>;

/** Wraps a fetch handler with a session loaded from, and committed to, the `jwtsession` cookie. */
export function withJwtSession<Env = JwtSessionEnv, T extends SessionData = SessionData>(
  handler: SessionHandler<Env, T>,
  options?: JwtSessionOptions,
): (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>;
