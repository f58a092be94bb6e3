// The counter demo with Hono, on the same Rust engine as examples/counter.
import { Hono } from "hono";
import { jwtSession } from "worker-jwt-session/hono";

const app = new Hono();
app.use(jwtSession());

app.get("/", (c) => {
  const session = c.get("session");
  const n = (session.get("counter") ?? 0) + 1;
  session.set("counter", n);
  return c.text(`Current counter value: ${n}\n`);
});
app.get("/session", (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(c.get("session").toJSON());
});
app.put("/note", async (c) => {
  const note = await c.req.text();
  c.get("session").set("note", note);
  return c.text(`Saved a note of ${new TextEncoder().encode(note).length} bytes\n`);
});
app.get("/logout", (c) => {
  c.get("session").destroy();
  return c.text("Logged out\n");
});

export default app;
