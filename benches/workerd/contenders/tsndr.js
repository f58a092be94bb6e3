// @bench-label @tsndr/cloudflare-worker-jwt@{version:@tsndr/cloudflare-worker-jwt}
// As its README shows: the secret as a string, `throwError` so a bad token is an error.
import jwt from "@tsndr/cloudflare-worker-jwt";

export default {
  setup: (env) => ({ secret: env.JWT_SESSION_SECRET }),
  verify: async ({ secret }, token) =>
    (await jwt.verify(token, secret, { algorithm: "HS256", throwError: true })).payload,
  sign: ({ secret }, claims) => jwt.sign(claims, secret, { algorithm: "HS256" }),
};
