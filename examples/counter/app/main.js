// The demo page: the Worker counts in its session; the page shows the session it reads from
// document.cookie, the use case of wsgi_jwt_session (a UI in sync with its session).
import { csrfToken, readSession } from "worker-jwt-session";

const $ = (id) => document.getElementById(id);

function show() {
  const session = readSession();
  $("counter").textContent = session?.counter ?? "–";
  $("session").textContent = session ? JSON.stringify(session, null, 2) : "no session";
}

async function call(path, init = {}) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init });
  $("answer").textContent = (await response.text()).trim();
  show();
}

$("count").addEventListener("click", () => call("/"));
$("logout").addEventListener("click", () => call("/logout"));
// An unsafe request: with JWT_SESSION_CSRF=on the Worker wants the session's CSRF token back
// in X-CSRF-Token (null before the first save, when only the Origin is checked).
$("note-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = csrfToken();
  call("/note", { method: "PUT", body: $("note").value, headers: token ? { "X-CSRF-Token": token } : {} });
});
show();
