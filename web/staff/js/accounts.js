// /staff/: Search accounts by number or name (GET /admin/accounts?search=), each result opening
// its account page. The search text is kept in the address (?search=), so Back returns to it.
import { can, signedIn, staffApi } from "./console.js";
import { errorOf } from "/common/js/api.js";
import { $, busy, clearErrors, interactive, say, showFieldErrors } from "/common/js/forms.js";
import { cell, statusBadge } from "./render.js";

const form = $("#search");
const alert = $("#alert");
let cursor = null;
let shown = 0;

function row(account) {
  const link = document.createElement("a");
  link.href = `/staff/account?id=${encodeURIComponent(account.account_id)}`;
  link.textContent = account.account_id;
  const tr = document.createElement("tr");
  tr.append(cell(link), cell(account.name), cell(statusBadge(account.status)), cell(account.class_id));
  return tr;
}

/** The list route; until a stack has it, an exact account number still finds its account. */
async function find(text, after) {
  const query = new URLSearchParams({ search: text, limit: "25" });
  if (after) query.set("cursor", after);
  const result = await staffApi(`/admin/accounts?${query}`);
  if (result.status !== 404 || after) return result;
  const exact = await staffApi(`/admin/accounts/${encodeURIComponent(text)}`);
  if (exact.status === 200) return { status: 200, data: { items: [exact.data], next_cursor: null } };
  return exact.status === 404 ? { status: 200, data: { items: [], next_cursor: null } } : exact;
}

async function search(more = false) {
  const text = form.search.value.trim();
  clearErrors(form);
  say(alert, "");
  if (!text) return void showFieldErrors(form, { field: "search", message: "Enter an account number or name." });
  history.replaceState(null, "", `?search=${encodeURIComponent(text)}`);
  let result;
  try {
    result = await find(text, more ? cursor : null);
  } catch {
    return say(alert, "The service could not be reached. Check your connection and try again.");
  }
  if (result.status === 422) return void showFieldErrors(form, errorOf(result));
  if (result.status !== 200) return say(alert, errorOf(result).message || `The search failed (HTTP ${result.status}). Please try again.`);
  const rows = result.data.items.map(row);
  if (more) $("#result-rows").append(...rows);
  else $("#result-rows").replaceChildren(...rows);
  shown = (more ? shown : 0) + rows.length;
  cursor = result.data.next_cursor || null;
  $("#more").hidden = !cursor;
  $("#results").hidden = false;
  $("#results-count").textContent = shown ? `${shown} account${shown === 1 ? "" : "s"}${cursor ? " so far" : ""}.` : `No account matches “${text}”.`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#search-button"), () => search());
});
$("#more").addEventListener("click", async () => busy($("#more"), () => search(true)));

async function start() {
  await signedIn();
  $("#search-button").disabled = !can("accounts.read");
  const text = new URLSearchParams(window.location.search).get("search");
  if (text) {
    form.search.value = text;
    await search();
  }
}

start().finally(interactive);
