// @bench-label raw crypto.subtle (HMAC key imported once)
// The floor of the JS path: no library, the HMAC key imported once per isolate, base64url by
// hand, the same checks a session needs (three segments, alg, signature, exp).
const enc = new TextEncoder();
const dec = new TextDecoder();
const HEADER = b64urlFromBytes(enc.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));

function b64urlFromBytes(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function bytesFromB64url(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export default {
  setup: async (env) => ({
    key: await crypto.subtle.importKey(
      "raw",
      enc.encode(env.JWT_SESSION_SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    ),
  }),
  async verify({ key }, token) {
    const parts = token.split(".");
    if (parts.length !== 3) throw new Error("malformed");
    const [h, p, s] = parts;
    if (JSON.parse(dec.decode(bytesFromB64url(h))).alg !== "HS256") throw new Error("unsupported_algorithm");
    const ok = await crypto.subtle.verify("HMAC", key, bytesFromB64url(s), enc.encode(`${h}.${p}`));
    if (!ok) throw new Error("bad_signature");
    const claims = JSON.parse(dec.decode(bytesFromB64url(p)));
    if (!(typeof claims.exp === "number" && claims.exp > Date.now() / 1000)) throw new Error("expired");
    return claims;
  },
  async sign({ key }, claims) {
    const input = `${HEADER}.${b64urlFromBytes(enc.encode(JSON.stringify(claims)))}`;
    const sig = await crypto.subtle.sign("HMAC", key, enc.encode(input));
    return `${input}.${b64urlFromBytes(new Uint8Array(sig))}`;
  },
};
