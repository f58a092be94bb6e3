// The demo's single-page app (examples/counter/app, built by `make app`) in headless Chromium,
// served by the demo Worker with its `[assets]` in workerd (Miniflare): the page counts through
// the Worker and shows the session it reads from document.cookie with readSession().
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { b64url, ROOT, SECRET, startWorker } from "../e2e/harness.mjs";
import { launchChromium } from "./chromium.mjs";

const PORT = 8801;
const ORIGIN = `http://127.0.0.1:${PORT}`;

describe("the demo page at /app/", () => {
  let worker;
  let browser;
  before(async () => {
    assert.ok(existsSync(`${ROOT}examples/counter/public/app/index.html`), "run `make app` first");
    worker = await startWorker({ JWT_SESSION_SECRET: SECRET }, { assets: "examples/counter/public", port: PORT });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await worker?.dispose();
  });

  test("each click counts in the session, which the page reads from its cookie", async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err));
    await page.goto(`${ORIGIN}/app/`);
    const counter = page.locator("#counter");
    assert.equal(await counter.textContent(), "–");
    assert.equal(await page.locator("#session").textContent(), "no session");

    for (const want of ["1", "2"]) {
      await page.click("#count");
      await page.waitForFunction((n) => document.getElementById("counter").textContent === n, want);
      assert.equal(await page.locator("#answer").textContent(), `Current counter value: ${want}`);
    }
    const shown = JSON.parse(await page.locator("#session").textContent());
    assert.equal(shown.counter, 2);
    assert.equal(shown.exp - shown.iat, 86400);

    // Tamper: the page can read its cookie, and change it, but cannot sign it.
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === "jwtsession");
    const [h, p, s] = cookie.value.split(".");
    const forged = `${h}.${b64url(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url")), counter: 1000 }))}.${s}`;
    await page.evaluate((value) => {
      document.cookie = `jwtsession=${value}; path=/`;
    }, forged);
    await page.reload();
    assert.equal(await counter.textContent(), "1000", "readSession shows what the cookie says: it does not verify");

    await page.click("#count");
    await page.waitForFunction(() => document.getElementById("counter").textContent === "1");
    assert.equal(await page.locator("#answer").textContent(), "Current counter value: 1", "the Worker started a fresh session");
    assert.equal(JSON.parse(await page.locator("#session").textContent()).counter, 1);

    await page.click("#logout");
    await page.waitForFunction(() => document.getElementById("session").textContent === "no session");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("curl still gets the counter's text at /, and the page is at /app/", async () => {
    const root = await fetch(`${ORIGIN}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get("content-type"), /^text\/plain/);
    assert.match(await root.text(), /^Current counter value: 1$/m);
    assert.match(root.headers.get("set-cookie"), /^jwtsession=/);

    const app = await fetch(`${ORIGIN}/app/`);
    assert.equal(app.status, 200);
    assert.match(app.headers.get("content-type"), /^text\/html/);
    assert.match(await app.text(), /<title>worker-jwt-session/);
    assert.equal(app.headers.get("set-cookie"), null, "assets are served without the session");

    const noSlash = await fetch(`${ORIGIN}/app`, { redirect: "manual" });
    assert.equal(noSlash.status, 307);
    assert.equal(new URL(noSlash.headers.get("location"), ORIGIN).pathname, "/app/");
  });
});

describe("the demo page in split mode with CSRF protection on", () => {
  const SPLIT_PORT = 8805;
  const SPLIT_ORIGIN = `http://127.0.0.1:${SPLIT_PORT}`;
  let worker;
  let browser;
  before(async () => {
    worker = await startWorker(
      { JWT_SESSION_SECRET: SECRET, JWT_SESSION_MODE: "split", JWT_SESSION_CSRF: "on" },
      { assets: "examples/counter/public", port: SPLIT_PORT },
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await worker?.dispose();
  });

  test("the page counts, saves a note with its CSRF token, logs out; its scripts never see the signature", async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err));
    await page.goto(`${SPLIT_ORIGIN}/app/`);
    for (const want of ["1", "2"]) {
      await page.click("#count");
      await page.waitForFunction((n) => document.getElementById("counter").textContent === n, want);
    }
    // What an XSS would see: the readable half only, no signature to replay.
    const visible = await page.evaluate(() => document.cookie);
    assert.match(visible, /(^|; )jwtsession=[\w-]+\.[\w-]+(;|$)/);
    assert.doesNotMatch(visible, /jwtsession\.sig/);
    const jar = await page.context().cookies();
    assert.ok(jar.some((c) => c.name === "jwtsession.sig" && c.httpOnly), "the signature cookie is HttpOnly");

    await page.fill("#note", "remember the milk");
    await page.click("#save");
    await page.waitForFunction(() => /Saved a note/.test(document.getElementById("answer").textContent));
    assert.equal(JSON.parse(await page.locator("#session").textContent()).note, "remember the milk");

    // Without the token (as a cross-site form would send it), the Worker refuses: 403.
    const status = await page.evaluate(async () => (await fetch("/note", { method: "PUT", body: "forged" })).status);
    assert.equal(status, 403);
    assert.equal(JSON.parse(await page.locator("#session").textContent()).note, "remember the milk");

    await page.click("#logout");
    await page.waitForFunction(() => document.getElementById("session").textContent === "no session");
    assert.ok(!(await page.context().cookies()).some((c) => c.name.startsWith("jwtsession")), "every cookie expired");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
