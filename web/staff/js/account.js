// /staff/account?id=49418: the account's header and its Contacts grid (the article's columns,
// paged by the API's cursor), Add Contact, and the Edit Contact dialog (contact-dialog.js),
// opened from a contact's name (keyboard) or by double-clicking its row. The header links to the
// account's class (Update Account Class) and to its Access review. What the signed-in role may not
// change is disabled, saying why (console.js's offerIf); every role can open and read.
import { offerIf, signedIn, staffApi } from "./console.js";
import { openContact, openNewContact } from "./contact-dialog.js";
import { portalBadge } from "./portal-status.js";
import { cell, statusBadge } from "./render.js";
import { accessReviewUrl, accountClassUrl } from "./screens.js";
import { errorOf } from "/common/js/api.js";
import { $, busy, interactive, say } from "/common/js/forms.js";

const PAGE_SIZE = 25;
const METHODS = { none: "None", email: "Email", sms: "Text message", email_and_sms: "Email and text message" };
const BILLING = { none: "", billing: "Billing", primary_billing: "Primary Billing" };
const accountId = new URLSearchParams(window.location.search).get("id") || "";
const alert = $("#alert");
let account;
let accountClass = null;
let cursor = null;
let shown = 0;

function notification(method) {
  return METHODS[method] || method || "None";
}

function rowOf(contact) {
  const open = document.createElement("button");
  open.type = "button";
  open.className = "linklike";
  open.textContent = contact.name;
  open.addEventListener("click", () => edit(contact.contact_id));
  const tr = document.createElement("tr");
  tr.dataset.contactId = contact.contact_id;
  const level = contact.type === "site" || contact.level === "site" ? `Site ${contact.site_id}` : "Account";
  tr.append(
    cell(open),
    cell(contact.email || ""),
    cell(BILLING[contact.billing_contact] ?? contact.billing_contact),
    cell(contact.receive_service_notifications ? notification(contact.service_notification_method) : "No"),
    cell(notification(contact.request_notification_method)),
    cell(portalBadge(contact)),
    cell(level),
  );
  tr.addEventListener("dblclick", () => edit(contact.contact_id));
  return tr;
}

/** Puts a contact's new state into its row (or a new row), without reloading the grid. */
export function showInGrid(contact) {
  const row = rowOf(contact);
  const old = document.querySelector(`tr[data-contact-id="${CSS.escape(contact.contact_id)}"]`);
  if (old) old.replaceWith(row);
  else {
    $("#contact-rows").prepend(row);
    shown += 1;
    count();
  }
}

export function removeFromGrid(contactId) {
  const old = document.querySelector(`tr[data-contact-id="${CSS.escape(contactId)}"]`);
  if (!old) return;
  old.remove();
  shown -= 1;
  count();
}

function count() {
  $("#contacts-count").textContent = shown ? `${shown} contact${shown === 1 ? "" : "s"}${cursor ? ", more to show" : ""}.` : "No contacts yet.";
}

async function loadContacts(more = false) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (more && cursor) query.set("cursor", cursor);
  const result = await staffApi(`/admin/accounts/${encodeURIComponent(accountId)}/contacts?${query}`);
  if (result.status !== 200) return say(alert, errorOf(result).message || `The contacts could not be loaded (HTTP ${result.status}).`);
  const rows = result.data.items.map(rowOf);
  if (more) $("#contact-rows").append(...rows);
  else $("#contact-rows").replaceChildren(...rows);
  shown = (more ? shown : 0) + rows.length;
  cursor = result.data.next_cursor || null;
  $("#more-contacts").hidden = !cursor;
  count();
  if (more && rows.length) rows[0].querySelector("button").focus();
}

function edit(contactId) {
  openContact(contactId, { account, accountClass, onChange: showInGrid, onUnlink: removeFromGrid });
}

async function start() {
  await signedIn();
  if (!accountId) return say(alert, "No account is named: open an account from Accounts.");
  const result = await staffApi(`/admin/accounts/${encodeURIComponent(accountId)}`);
  if (result.status === 404) return say(alert, `There is no account ${accountId}.`);
  if (result.status !== 200) return say(alert, errorOf(result).message || `The account could not be loaded (HTTP ${result.status}).`);
  account = result.data;
  document.title = `${account.account_id} ${account.name}: Staff console`;
  $("#account-title").textContent = `${account.account_id} ${account.name}`;
  $("#account-number").textContent = account.account_id;
  $("#account-name").textContent = account.name;
  $("#account-status").replaceChildren(statusBadge(account.status));
  $("#account-class").textContent = account.class_id;
  $("#account-class").href = accountClassUrl(account.class_id);
  $("#access-review").href = accessReviewUrl(account.account_id);
  $("#account-delivery").textContent = account.invoice_delivery === "email" ? "Email" : "Mail";
  $("#account-header").hidden = false;
  const found = await staffApi(`/admin/account-classes/${encodeURIComponent(account.class_id)}`);
  accountClass = found.status === 200 ? found.data : null;
  $("#contacts").hidden = false;
  offerIf("contacts.add", $("#add-reason"), $("#add-contact"));
  await loadContacts();
}

$("#more-contacts").addEventListener("click", () => busy($("#more-contacts"), () => loadContacts(true)));
$("#add-contact").addEventListener("click", () =>
  openNewContact({ account, accountClass, onChange: showInGrid, onUnlink: removeFromGrid }),
);

start()
  .catch(() => say(alert, "The service could not be reached. Check your connection and reload the page."))
  .finally(interactive);

