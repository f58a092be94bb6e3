// The counter demo as a JavaScript Worker, on the same Rust engine as examples/counter.
import { withJwtSession } from "worker-jwt-session/worker";

export default {
  fetch: withJwtSession(async (request, env, ctx, session) => {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/") {
      const n = (session.get("counter") ?? 0) + 1;
      session.set("counter", n);
      return text(`Current counter value: ${n}\n`);
    }
    if (request.method === "GET" && pathname === "/session") {
      return Response.json(session.toJSON(), { headers: { "Cache-Control": "no-store" } });
    }
    if (request.method === "PUT" && pathname === "/note") {
      const note = await request.text();
      session.set("note", note);
      return text(`Saved a note of ${new TextEncoder().encode(note).length} bytes\n`);
    }
    if (request.method === "GET" && pathname === "/logout") {
      session.destroy();
      return text("Logged out\n");
    }
    return new Response("Not Found", { status: 404 });
  }),
};

const text = (body) => new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
