// @bench-label hono@{version:hono} (hono/utils/jwt)
// Hono's JWT helpers, as its JWT middleware uses them: the secret as a string.
import { Jwt } from "hono/utils/jwt";

export default {
  setup: (env) => ({ secret: env.JWT_SESSION_SECRET }),
  verify: ({ secret }, token) => Jwt.verify(token, secret, "HS256"),
  sign: ({ secret }, claims) => Jwt.sign(claims, secret, "HS256"),
};
