// /staff/access-review?account_id=49418 (screens.js's accessReviewUrl): the portal logins that can
// see the account (GET /admin/accounts/{id}/portal-logins, paged): email, enabled or disabled, last
// sign-in, its contacts there (level, all sites or the sites, roles), its invitation's status and
// delivery. Download CSV asks the same route for text/csv, page after page (X-Next-Cursor), with
// the session's token in the Authorization header, and saves the file through a Blob URL.
import { accessReviewUrl } from "./screens.js";
import { signedIn, staffApi } from "./console.js";
import { attempt, explain } from "./outcome.js";
import { pagedTable, withQuery } from "./paging.js";
import { cell, statusBadge, when } from "./render.js";
import { $, busy, interactive, say } from "/common/js/forms.js";
import { requireSignIn, sessionExpired } from "/common/js/session.js";

const MAX_CSV_PAGES = 200;
const alert = $("#alert");
const accountId = new URLSearchParams(window.location.search).get("account_id");
const path = `/admin/accounts/${encodeURIComponent(accountId || "")}/portal-logins`;

function contactLine(contact) {
  const sites = contact.all_sites ? "Account (All Sites)" : `Sites ${contact.site_ids.join(", ") || "none"}`;
  const roles = Object.values(contact.roles || {}).flat();
  const item = document.createElement("li");
  item.textContent = `${contact.name}: ${contact.level === "site" ? "site level" : "account level"}, ${sites}${roles.length ? `, roles ${roles.join(", ")}` : ""}`;
  return item;
}

function row(login) {
  const contacts = document.createElement("ul");
  contacts.className = "plain-list";
  contacts.append(...login.contacts.map(contactLine));
  const invitation = login.invitation || {};
  const invited = [invitation.status, invitation.delivery].filter(Boolean).join(", ") || "None";
  const tr = document.createElement("tr");
  tr.append(
    cell(login.email),
    cell(statusBadge(login.enabled ? "enabled" : "disabled")),
    cell(login.last_sign_in_at ? when(login.last_sign_in_at) : "Never"),
    cell(contacts),
    cell(invited),
  );
  return tr;
}

const logins = pagedTable({
  path: (cursor) => withQuery(path, { cursor }),
  row,
  rows: $("#login-rows"),
  more: $("#more-logins"),
  count: $("#logins-count"),
  noun: "login",
  alert,
});

/** One page of the CSV: {text, next} or null (the failure explained). */
async function csvPage(cursor) {
  const token = await requireSignIn();
  if (!token) return null;
  const response = await fetch(withQuery(path, { cursor, limit: "100" }), {
    headers: { Accept: "text/csv", Authorization: `Bearer ${token}` },
    cache: "no-store",
    credentials: "omit",
  });
  if (response.status === 401) return void sessionExpired();
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    return void explain(alert, null, { status: response.status, data, retryAfter: response.headers.get("Retry-After") });
  }
  return { text: await response.text(), next: response.headers.get("X-Next-Cursor") };
}

/** Every page, one header line, saved as portal-logins-<account>.csv. */
async function downloadCsv() {
  say(alert, "");
  const parts = [];
  let cursor = null;
  try {
    for (let page = 0; page < MAX_CSV_PAGES; page += 1) {
      const answer = await csvPage(cursor);
      if (!answer) return;
      parts.push(page === 0 ? answer.text : answer.text.slice(answer.text.indexOf("\n") + 1));
      cursor = answer.next;
      if (!cursor) break;
    }
  } catch {
    return say(alert, "The service could not be reached. Check your connection and try again.");
  }
  const url = URL.createObjectURL(new Blob(parts, { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `portal-logins-${accountId}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say(alert, cursor ? `Saved the first ${MAX_CSV_PAGES} pages; narrow the review for the rest.` : "The CSV is saved.", cursor ? "info" : "ok");
}

$("#download-csv").addEventListener("click", () => busy($("#download-csv"), downloadCsv));

$("#account-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("#account-id").value.trim();
  if (id) window.location.assign(accessReviewUrl(id));
});

async function start() {
  await signedIn();
  if (!accountId) return;
  $("#account-id").value = accountId;
  const account = await attempt(alert, null, () => staffApi(`/admin/accounts/${encodeURIComponent(accountId)}`));
  if (!account) return;
  $("#review-heading").textContent = `Portal logins of ${account.data.account_id} ${account.data.name}`;
  $("#review").hidden = false;
  await logins.load();
}

start().finally(interactive);
