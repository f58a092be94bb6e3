// @bench-label jose@{version:jose} (jwtVerify + SignJWT, secret as bytes)
// As jose's README shows: the secret as a Uint8Array, jwtVerify with an algorithm allow-list,
// SignJWT with a protected header.
import { SignJWT, jwtVerify } from "jose";

export default {
  setup: (env) => ({ secret: new TextEncoder().encode(env.JWT_SESSION_SECRET) }),
  verify: async ({ secret }, token) => (await jwtVerify(token, secret, { algorithms: ["HS256"] })).payload,
  sign: ({ secret }, claims) => new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret),
};
