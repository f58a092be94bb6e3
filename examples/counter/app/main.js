// The demo page: the Worker counts in its session; the page shows the session it reads from
// document.cookie, the use case of wsgi_jwt_session (a UI in sync with its session).
import { readSession } from "worker-jwt-session";

const $ = (id) => document.getElementById(id);

function show() {
  const session = readSession();
  $("counter").textContent = session?.counter ?? "–";
  $("session").textContent = session ? JSON.stringify(session, null, 2) : "no session";
}

async function call(path) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  $("answer").textContent = (await response.text()).trim();
  show();
}

$("count").addEventListener("click", () => call("/"));
$("logout").addEventListener("click", () => call("/logout"));
show();
