// Type tests for the browser entry, used as the README shows; checked by `tsc --noEmit`
// (`make test-js`).
import { csrfToken, decode, readSession, SessionDecodeError, type SessionDecodeErrorCode, type SessionPayload } from "worker-jwt-session";

type Counter = { counter: number; user?: string };

const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";

const payload: SessionPayload = decode(token);
const exp: number | undefined = payload.exp;
const header = decode(token, { header: true });
const alg: string | undefined = header.alg;
const typed = decode<Counter>(token);
const n: number = typed.counter;
// @ts-expect-error counter is a number
const wrong: string = typed.counter;

const session = readSession<Counter>();
const maybe: number | undefined = session?.counter;
// @ts-expect-error the session may be null
readSession<Counter>().counter;
readSession("jwtsession", { cookie: document.cookie, now: new Date() });
readSession(undefined, { now: 1_800_000_000 });
const csrf: string | null = csrfToken();
csrfToken("jwtsession", { cookie: document.cookie, maxChunks: 8 });
// @ts-expect-error cookie is a string
readSession("jwtsession", { cookie: 42 });

export function codeOf(err: unknown): SessionDecodeErrorCode | undefined {
  if (err instanceof SessionDecodeError) {
    switch (err.code) {
      case "malformed":
      case "too_large":
      case "bad_base64":
      case "bad_json":
      case "decrypt":
        return err.code;
      default: {
        const never: never = err.code;
        return never;
      }
    }
  }
  return undefined;
}

export const used = [exp, alg, n, wrong, maybe, csrf];
