// worker-jwt-session (browser entry): read the session that a worker-jwt-session Worker keeps
// in its cookie. This does NOT verify the token, and cannot: the key stays on the server. Use
// it to show the session (a name, a counter), never to decide what a user may do.
//
// The token is taken apart by the Worker's own Rust decoder, compiled to wasm (`#wasm`, wired
// by js/build.mjs); only JSON.parse happens here, so numbers and key order are JavaScript's.
import { csrfCookie, decodeJson, defaultLeewaySecs, defaultMaxChunks, init, sessionJson } from "#wasm";

// What starts a failure from the wasm side (and ends each payload of sessionJson): NUL.
const NUL = "\0";

/** A token that cannot be decoded; `code` is the Rust error code, the message `code: …`. */
export class SessionDecodeError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}
SessionDecodeError.prototype.name = "SessionDecodeError";

/**
 * The payload of a token (or its header with `{ header: true }`), without verifying it: a whole
 * JWS, or split mode's readable half `header.payload`. An encrypted session (a JWE, from a Worker
 * with JWT_SESSION_MODE = encrypted) cannot be read in the page, by design: it has no key; its
 * payload throws with the code `decrypt` (its header is readable).
 * Throws SessionDecodeError: malformed, too_large, bad_base64, bad_json or decrypt.
 */
export function decode(token, options) {
  if (typeof token !== "string") {
    throw new SessionDecodeError("malformed", "token must be a string");
  }
  init();
  const header = options?.header === true;
  const text = decodeJson(token, header);
  if (text[0] === NUL) {
    const colon = text.indexOf(": ");
    throw new SessionDecodeError(text.slice(1, colon), text.slice(colon + 2));
  }
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input: it is left out, as the Rust side leaves it out.
    throw new SessionDecodeError("bad_json", `${header ? "header" : "payload"} is not valid JSON`);
  }
}

/**
 * The session in `document.cookie` (or `options.cookie`), or null when there is none that
 * decodes and has not expired. Cookies are tried in the Worker's order: each `name` cookie,
 * then the chunks `name.0`, `name.1`, … put back together. `leeway` and `maxChunks` default to
 * the Worker's defaults (from the engine); pass the values of a Worker configured otherwise.
 * An encrypted session (JWT_SESSION_MODE = encrypted) is null here: the page has no key.
 */
export function readSession(
  name = "jwtsession",
  { cookie = globalThis.document?.cookie ?? "", now, leeway, maxChunks } = {},
) {
  if (typeof name !== "string" || typeof cookie !== "string") {
    throw new TypeError("readSession(name, { cookie }): name and cookie must be strings");
  }
  const nowSecs = now === undefined ? Date.now() / 1000 : now instanceof Date ? now.getTime() / 1000 : Number(now);
  init();
  const leewaySecs = leeway === undefined ? defaultLeewaySecs() : Number(leeway);
  const payloads = sessionJson(cookie, name, maxChunks === undefined ? defaultMaxChunks() : Number(maxChunks));
  for (let start = 0, end; (end = payloads.indexOf(NUL, start)) >= 0; start = end + 1) {
    let session;
    try {
      session = JSON.parse(payloads.slice(start, end));
    } catch {
      continue;
    }
    // As the Worker: `exp` must be a finite number not past (with the leeway). A token without
    // one is a legacy session, which a Worker may accept (JWT_SESSION_ALLOW_LEGACY).
    const exp = session.exp;
    if (exp === undefined || (Number.isFinite(exp) && exp + leewaySecs > nowSecs)) {
      return session;
    }
  }
  return null;
}

/**
 * The session's CSRF token (the `csrf` claim a Worker with `JWT_SESSION_CSRF=on` adds), or null:
 * send it in the `X-CSRF-Token` header of POST, PUT, PATCH and DELETE requests. Same cookies and
 * options as `readSession`. In encrypted mode the claim is out of reach, and the Worker sets the
 * readable cookie `<name>.csrf` for it, which is read first.
 */
export function csrfToken(name = "jwtsession", options) {
  const cookie = options?.cookie ?? globalThis.document?.cookie ?? "";
  if (typeof name === "string" && typeof cookie === "string") {
    init();
    const fromCookie = csrfCookie(cookie, name);
    if (fromCookie !== "") return fromCookie;
  }
  const token = readSession(name, options)?.csrf;
  return typeof token === "string" ? token : null;
}
