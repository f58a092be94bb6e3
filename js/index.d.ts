// worker-jwt-session (browser entry): read the session a worker-jwt-session Worker keeps in its
// cookie. Nothing here verifies a token: the key stays on the server.

/** The codes `decode` can throw, as the Rust API and the CLI name them. */
export type SessionDecodeErrorCode = "malformed" | "too_large" | "bad_base64" | "bad_json" | "decrypt";

/** A token that cannot be decoded. The message starts with the code: `bad_base64: …`. */
export class SessionDecodeError extends Error {
  readonly name: "SessionDecodeError";
  readonly code: SessionDecodeErrorCode;
  constructor(code: SessionDecodeErrorCode, message: string);
}

/** The members of a JOSE header that a worker-jwt-session token has. */
export interface JwtHeader {
  alg?: string;
  typ?: string;
  kid?: string;
  [member: string]: unknown;
}

/** A session: the handler's data at the top level, plus the claims the Worker manages. */
export interface SessionPayload {
  /** When the token was signed (seconds since the Unix epoch). */
  iat?: number;
  /** When it expires (seconds since the Unix epoch). */
  exp?: number;
  /** When the session began (seconds since the Unix epoch). */
  orig_iat?: number;
  /** The session's id: 22 base64url characters, new at each login (`regenerate()`). Readable, so never a secret. */
  sid?: string;
  /** The CSRF token, when the Worker has `JWT_SESSION_CSRF=on`: send it in `X-CSRF-Token`. */
  csrf?: string;
  [member: string]: unknown;
}

export interface DecodeOptions {
  /** Return the header instead of the payload. */
  header?: boolean;
}

/**
 * The payload of a token (or its header), **without verifying it**: a whole JWS, or split
 * mode's readable half `header.payload`.
 * @throws {SessionDecodeError} `malformed` (not three non-empty segments, or not a string),
 *   `too_large` (over 128 KiB, the most any Worker accepts), `bad_base64` (not canonical unpadded base64url),
 *   `bad_json` (not UTF-8, or not a JSON object), `decrypt` (an encrypted session, a JWE from a
 *   Worker with `JWT_SESSION_MODE = encrypted`: only the Worker can read it, the page has no key;
 *   its header is readable).
 */
export function decode<T = JwtHeader>(token: string, options: DecodeOptions & { header: true }): T;
export function decode<T = SessionPayload>(token: string, options?: DecodeOptions): T;

export interface ReadSessionOptions {
  /** The cookies to read, as `document.cookie` gives them. Defaults to `document.cookie`. */
  cookie?: string;
  /** The time to check `exp` against: seconds since the Unix epoch, or a Date. Defaults to now. */
  now?: number | Date;
  /** Seconds of clock skew on `exp`, as the Worker's `JWT_SESSION_LEEWAY`. Defaults to the Worker's default (30). */
  leeway?: number;
  /** Most chunks to put back together, as the Worker's `JWT_SESSION_MAX_CHUNKS` (1 to 32). Defaults to the Worker's default (4). */
  maxChunks?: number;
}

/**
 * The session in the cookie `name` (default `jwtsession`), or `null` when no cookie of that
 * name decodes to a session that has not expired (with the Worker's leeway). Chunked
 * sessions (`name.0`, `name.1`, …) are put back together. Never throws for a bad cookie. An
 * encrypted session (`JWT_SESSION_MODE = encrypted`) is `null`: the page has no key, by design.
 */
export function readSession<T = SessionPayload>(name?: string, options?: ReadSessionOptions): T | null;

/**
 * The session's CSRF token (its `csrf` claim, present when the Worker runs with
 * `JWT_SESSION_CSRF=on`), or `null`: send it in the `X-CSRF-Token` header of POST, PUT, PATCH
 * and DELETE requests. Reads the same cookies as `readSession`; in encrypted mode, where the
 * claim is out of reach, the readable `<name>.csrf` cookie the Worker sets (read first).
 */
export function csrfToken(name?: string, options?: ReadSessionOptions): string | null;
