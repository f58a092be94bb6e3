// The demo's single-page app, served by the Worker at /app/ through `[assets]` in wrangler.toml
// (`make app` builds it into examples/counter/public/app/, which git ignores).
export default {
  base: "/app/",
  build: { outDir: "../public/app", emptyOutDir: true },
};
