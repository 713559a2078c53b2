// The Edit Contact dialog (a modal <dialog>: focus stays in it, Escape closes it) with its tabs
// Details, Customer Portal Access and Activity History; in Add Contact mode only Details, with
// the contact's level and site. Every API error is shown next to the field it names; a 5xx or a
// network failure says so and keeps what was typed. Save, Send Portal Access Invite, Unlink from
// Account and the access Save are offered only to a role that may use them (offerIf, whyNot); the
// rest says why, and every role can open the tabs and read.
import { offerIf, staffApi, whyNot } from "./console.js";
import { allPages } from "./paging.js";
import { portalLabel, portalStatus } from "./portal-status.js";
import { when } from "./render.js";
import { errorOf } from "/common/js/api.js";
import { $, busy, clearErrors, say, showFieldErrors } from "/common/js/forms.js";

const dialog = $("#contact-dialog");
const details = $("#details");
const access = $("#access");
const alert = $("#dialog-alert");
const TEXT_FIELDS = ["title", "name", "email", "email_2", "phone_1", "phone_2", "phone_3", "phone_4", "note"];
const CHOICES = ["service_notification_method", "request_notification_method", "billing_contact"];
const FLAGS = ["receive_service_notifications", "receive_invoice_notifications", "receive_past_due_notifications", "mobile_opt_out", "enable_portal_access"];
const ROLES = { role_1: "role-1", role_2: "role-2" }; // role name -> its checkbox (Role 1, Role 2)
const UNREACHABLE = "The service could not be reached. Nothing was saved; what you typed is still here. Try again.";

let contact = null; // the saved contact, or null while adding one
let context = null; // {account, accountClass, onChange, onUnlink}
let sites = [];
let historyCursor = null;

const control = (field) => details.querySelector(`[data-field~="${field}"]`);

// ------------------------------------------------------------------ opening

export function openNewContact(ctx) {
  context = ctx;
  contact = null;
  $("#dialog-title").textContent = "Add Contact";
  fill({ enable_portal_access: true });
  open();
  loadSites();
}

export async function openContact(contactId, ctx) {
  context = ctx;
  const result = await staffApi(`/admin/contacts/${encodeURIComponent(contactId)}`);
  if (result.status !== 200) return say($("#alert"), errorOf(result).message || `The contact could not be opened (HTTP ${result.status}).`);
  contact = result.data;
  $("#dialog-title").textContent = "Edit Contact";
  fill(contact);
  open();
  loadSites();
}

function open() {
  clearErrors(details);
  clearErrors(access);
  say(alert, "");
  $("#stale").hidden = true;
  select($("#tab-details"));
  offerIf("contacts.edit", $("#details-reason"), $("#save-details"), $("#unlink"));
  offerIf("portal-access.edit", $("#access-reason"), $("#save-access"));
  if (!dialog.open) dialog.showModal();
  control("name").focus();
}

$("#close-dialog").addEventListener("click", () => dialog.close());

// ------------------------------------------------------------------ tabs (arrow keys move between them)

const tabs = [...dialog.querySelectorAll("[role=tab]")];

function select(tab) {
  for (const other of tabs) {
    const on = other === tab;
    other.setAttribute("aria-selected", String(on));
    other.tabIndex = on ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
  }
  if (tab.id === "tab-access") showAccess();
  if (tab.id === "tab-history") loadHistory();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => select(tab));
  tab.addEventListener("keydown", (event) => {
    const enabled = tabs.filter((t) => !t.disabled);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    let next = null;
    if (step) next = enabled[(enabled.indexOf(tab) + step + enabled.length) % enabled.length];
    if (event.key === "Home") next = enabled[0];
    if (event.key === "End") next = enabled[enabled.length - 1];
    if (!next) return;
    event.preventDefault();
    select(next);
    next.focus();
  });
}

// ------------------------------------------------------------------ Details

function fill(values) {
  for (const field of TEXT_FIELDS) control(field).value = values[field] ?? "";
  for (const field of CHOICES) control(field).value = values[field] ?? "none";
  for (const field of FLAGS) control(field).checked = Boolean(values[field]);
  const adding = !contact;
  $("#placement").hidden = !adding;
  control("level").value = "account";
  placement();
  for (const tab of [$("#tab-access"), $("#tab-history")]) tab.disabled = adding;
  $("#unlink").hidden = adding;
  $("#portal-user").textContent = adding ? "Not saved yet" : portalLabel(contact);
  $("#portal-user").className = `badge ${adding ? "none" : portalStatus(contact)}`;
  $("#invited-at").textContent = "";
  inviteState();
}

/** The Details as the API takes them: empty text is "not set". */
function detailsBody() {
  const body = {};
  for (const field of TEXT_FIELDS) {
    const value = control(field).value.trim();
    body[field] = value === "" ? null : value;
  }
  for (const field of CHOICES) body[field] = control(field).value;
  for (const field of FLAGS) body[field] = control(field).checked;
  return body;
}

/** Why Send Portal Access Invite cannot be used now, or null when it can (the article's rules). */
function inviteBlocked() {
  const role = whyNot("invitations.send");
  if (role) return role;
  if (!contact) return "Save the contact first: an invite can be sent to a saved contact.";
  if (!contact.email) return "Add an email address and save: the invite needs a valid email.";
  if (control("email").value.trim() !== contact.email) return "Save the changed email address first.";
  if (contact.email_undeliverable) return "This email address bounced or complained: change it to send an invite.";
  if (!contact.enable_portal_access) return "Portal access is disabled for this contact: enable it in Details and save.";
  if (context.accountClass && context.accountClass.enable_portal_access === false)
    return `Portal access is disabled by the account class ${context.account.class_id}.`;
  return null;
}

function inviteState() {
  const reason = inviteBlocked();
  $("#send-invite").disabled = Boolean(reason);
  $("#invite-reason").textContent = reason || "";
}

control("email").addEventListener("input", inviteState);

/** Adding a contact: a site-level contact names its site. */
function placement() {
  control("site_id").closest("form-field").hidden = control("level").value !== "site";
}
control("level").addEventListener("change", placement);

/** An API answer that is not a success, shown where it belongs. */
function refused(form, result) {
  const error = errorOf(result);
  if (result.status === 412) {
    say(alert, "Someone else changed this contact since you opened it, so your changes were not saved. Reload it to see theirs; what you typed is still here until you do.");
    $("#stale").hidden = false;
    $("#reload-contact").focus();
  } else if (result.status >= 500) {
    say(alert, `The service failed (HTTP ${result.status}). Nothing was saved; what you typed is still here. Try again.`);
  } else if (result.status === 403) {
    say(alert, "Your role may not do this.");
  } else if (!(error.field || error.details) || !showFieldErrors(form, error)) {
    say(alert, error.message || `The request was refused (HTTP ${result.status}).`);
  }
}

async function call(form, path, options) {
  clearErrors(form);
  say(alert, "");
  try {
    return await staffApi(path, options);
  } catch {
    say(alert, UNREACHABLE);
    return null;
  }
}

details.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#save-details"), async () => {
    const body = detailsBody();
    let result;
    if (contact) {
      result = await call(details, `/admin/contacts/${encodeURIComponent(contact.contact_id)}`, {
        method: "PATCH",
        body,
        headers: { "If-Match": String(contact.version) },
      });
    } else {
      const level = control("level").value;
      const placement = { level, ...(level === "site" ? { site_id: control("site_id").value } : {}) };
      result = await call(details, `/admin/accounts/${encodeURIComponent(context.account.account_id)}/contacts`, {
        method: "POST",
        body: { ...placement, ...body },
      });
    }
    if (!result) return;
    if (result.status !== 200 && result.status !== 201) return refused(details, result);
    const adding = !contact;
    contact = result.data;
    context.onChange(contact);
    $("#dialog-title").textContent = "Edit Contact";
    fill(contact);
    say(alert, adding ? "The contact is saved. You can now send a portal access invite." : "Saved.", "ok");
  });
});

$("#reload-contact").addEventListener("click", async () => {
  const result = await staffApi(`/admin/contacts/${encodeURIComponent(contact.contact_id)}`);
  if (result.status !== 200) return refused(details, result);
  contact = result.data;
  fill(contact);
  context.onChange(contact);
  $("#stale").hidden = true;
  say(alert, "Reloaded: these are the contact's details now.", "info");
  control("name").focus();
});

$("#send-invite").addEventListener("click", async () => {
  await busy($("#send-invite"), async () => {
    const result = await call(details, `/admin/contacts/${encodeURIComponent(contact.contact_id)}/invitations`, { method: "POST" });
    if (!result) return;
    if (result.status !== 202) return refused(details, result);
    const fresh = await staffApi(`/admin/contacts/${encodeURIComponent(contact.contact_id)}`);
    const sentStatus = result.data.status === "failed" ? "none" : "invited";
    if (fresh.status === 200) contact = fresh.data;
    if (!contact.portal_user && (!contact.portal_status || contact.portal_status === "none")) contact.portal_status = sentStatus;
    context.onChange(contact);
    fill(contact);
    const sent = result.data.status === "failed" ? "The invite could not be sent: the mail service refused it." : `Invite sent to ${contact.email}.`;
    say(alert, sent, result.data.status === "failed" ? "error" : "ok");
    $("#invited-at").textContent = result.data.status === "failed" ? "" : `sent ${when(new Date().toISOString())}`;
    if (result.data.status !== "failed") followDelivery(contact.contact_id).catch(() => {});
  });
  inviteState();
});

// SES reports an invite's delivery (or bounce) seconds after it is sent: the grid's Portal User
// column and the open dialog follow it, without a reload, until it leaves "invited" (or for
// about a minute). Only the portal state is taken from the fresh read: what is being typed in
// Details, and the version a Save sends as If-Match, stay as they are.
const FOLLOW_WAITS_MS = [1000, 1000, 2000, 2000, 3000, 5000, 8000, 13000, 21000];
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function followDelivery(contactId) {
  for (const wait of FOLLOW_WAITS_MS) {
    await pause(wait);
    const fresh = await staffApi(`/admin/contacts/${encodeURIComponent(contactId)}`);
    if (fresh.status !== 200 || !fresh.data.portal_status) return; // an API that does not say
    if (fresh.data.portal_status === "invited") continue;
    context.onChange(fresh.data);
    if (contact && contact.contact_id === contactId) {
      contact.portal_status = fresh.data.portal_status;
      contact.email_undeliverable = fresh.data.email_undeliverable;
      $("#portal-user").textContent = portalLabel(contact);
      $("#portal-user").className = `badge ${portalStatus(contact)}`;
      inviteState();
    }
    return;
  }
}

// ------------------------------------------------------------------ Unlink from Account

const confirmDialog = $("#confirm-unlink");
$("#unlink").addEventListener("click", () => {
  $("#confirm-text").textContent = `${contact.name} loses all portal access to account ${context.account.account_id} ${context.account.name} at once, and is removed from its contacts.`;
  confirmDialog.showModal();
  $("#cancel-unlink").focus();
});
$("#cancel-unlink").addEventListener("click", () => confirmDialog.close());
$("#confirm-unlink-button").addEventListener("click", async () => {
  const result = await call(details, `/admin/contacts/${encodeURIComponent(contact.contact_id)}`, { method: "DELETE" });
  confirmDialog.close();
  if (!result) return;
  if (result.status !== 204) return refused(details, result);
  context.onUnlink(contact.contact_id);
  dialog.close();
  say($("#alert"), `${contact.name} is unlinked from the account.`, "ok");
});

// ------------------------------------------------------------------ sites (Level / Site and Customer Portal Access)

async function loadSites() {
  sites = []; // none while they load
  sites = await allPages(async (cursor) => {
    const query = new URLSearchParams({ limit: "100" });
    if (cursor) query.set("cursor", cursor);
    const result = await staffApi(`/admin/accounts/${encodeURIComponent(context.account.account_id)}/sites?${query}`);
    return result.status === 200 ? result : null;
  }, 20);
  const choose = control("site_id");
  choose.replaceChildren(...sites.map((s) => new Option(`${s.site_id} ${s.name}`, s.site_id)));
}

function address(a) {
  return a ? [a.line1, [a.city, a.state].filter(Boolean).join(" "), a.postal_code].filter(Boolean).join(", ") : "";
}

function siteItem(site, granted) {
  const id = `site-${site.site_id}`;
  const item = document.createElement("li");
  item.dataset.search = `${site.site_id} ${site.name} ${address(site.address)}`.toLowerCase();
  const wrapper = document.createElement("div");
  wrapper.className = "check";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = id;
  box.value = site.site_id;
  box.checked = granted;
  box.setAttribute("aria-describedby", `${id}-about`);
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = `${site.site_id} ${site.name}`;
  wrapper.append(box, label);
  const about = document.createElement("span");
  about.className = "hint";
  about.id = `${id}-about`;
  about.textContent = `${site.status === "active" ? "Active" : "Inactive"}, ${address(site.address)}`;
  item.append(wrapper, about);
  return item;
}

async function showAccess() {
  clearErrors(access);
  const result = await staffApi(`/admin/contacts/${encodeURIComponent(contact.contact_id)}/portal-access`);
  const grant = result.status === 200 ? result.data : contact.portal_access || { all_sites: true, site_ids: [], roles: {} };
  access.all_sites.checked = grant.all_sites;
  const granted = new Set(grant.site_ids || []);
  $("#sites").replaceChildren(...sites.map((s) => siteItem(s, granted.has(s.site_id))));
  const roles = new Set(Object.values(grant.roles || {}).flat());
  for (const [role, id] of Object.entries(ROLES)) document.getElementById(id).checked = roles.has(role);
  access.site_search.value = "";
  filterSites();
  siteBoxesFollowAllSites();
}

function siteBoxesFollowAllSites() {
  for (const box of $("#sites").querySelectorAll("input")) box.disabled = access.all_sites.checked;
}

function filterSites() {
  const words = access.site_search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const item of $("#sites").children) item.hidden = !words.every((w) => item.dataset.search.includes(w));
}

access.all_sites.addEventListener("change", siteBoxesFollowAllSites);
access.site_search.addEventListener("input", filterSites);

access.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#save-access"), async () => {
    const allSites = access.all_sites.checked;
    const roleNames = Object.keys(ROLES).filter((role) => document.getElementById(ROLES[role]).checked);
    const siteIds = allSites ? [] : [...$("#sites").querySelectorAll("input:checked")].map((box) => box.value);
    const body = { all_sites: allSites, site_ids: siteIds, roles: roleNames.length ? { account: roleNames } : {} };
    const result = await call(access, `/admin/contacts/${encodeURIComponent(contact.contact_id)}/portal-access`, { method: "PUT", body });
    if (!result) return;
    if (result.status !== 200) return refused(access, result);
    contact.portal_access = result.data;
    const what = allSites ? "all sites of the account" : `${siteIds.length} site${siteIds.length === 1 ? "" : "s"}`;
    say(alert, `Portal access saved: ${what}.`, "ok");
  });
});

// ------------------------------------------------------------------ Activity History (newest first, paged)

const ACTIONS = {
  created: "Created",
  edited: "Edited",
  access_changed: "Portal access changed",
  invite_sent: "Invite sent",
  invite_auto_sent: "Invite sent automatically",
  invite_failed: "Invite failed",
  invite_accepted: "Invite accepted",
  invite_delivered: "Invite delivered",
  invite_bounced: "Invite bounced",
  invite_complained: "Invite marked as spam (complaint)",
  invite_delivery_delayed: "Invite delivery delayed",
  invite_skipped: "Invite not sent (undeliverable address)",
  invite_expired: "Invite expired",
  invite_reminder_sent: "Invite reminder sent",
  login_reminder_sent: "Login reminder sent",
  unlinked: "Unlinked from account",
  self_registered: "Self-registered",
  login_disabled: "Login disabled",
  login_enabled: "Login enabled",
};

function historyItem(entry) {
  const item = document.createElement("li");
  const time = document.createElement("time");
  time.dateTime = entry.at;
  time.textContent = when(entry.at);
  const fields = entry.details && entry.details.fields ? `: ${[].concat(entry.details.fields).join(", ")}` : "";
  item.append(time, `${ACTIONS[entry.action] || entry.action}${fields}, by ${entry.actor}`);
  return item;
}

async function loadHistory(more = false) {
  const query = new URLSearchParams({ limit: "20" });
  if (more && historyCursor) query.set("cursor", historyCursor);
  const result = await staffApi(`/admin/contacts/${encodeURIComponent(contact.contact_id)}/activity?${query}`);
  if (result.status !== 200) return refused(details, result);
  const items = result.data.items.map(historyItem);
  if (more) $("#history").append(...items);
  else $("#history").replaceChildren(...items);
  historyCursor = result.data.next_cursor || null;
  $("#more-history").hidden = !historyCursor;
}

$("#more-history").addEventListener("click", () => busy($("#more-history"), () => loadHistory(true)));
