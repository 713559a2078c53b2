// /staff/account-classes: the account classes (GET /admin/account-classes), and, for the one in
// ?class_id= (screens.js's accountClassUrl), Update Account Class with its Customer Portal tab: the
// article's 12 settings, Save (PUT /admin/account-classes/{class_id}).
import { accountClassUrl } from "./screens.js";
import { offerIf, signedIn, staffApi } from "./console.js";
import { attempt } from "./outcome.js";
import { pagedTable, withQuery } from "./paging.js";
import { cell, yesNo } from "./render.js";
import { buildFields, controlsOf, fill, read } from "./settings-form.js";
import { $, busy, interactive, say } from "/common/js/forms.js";

// The Customer Portal tab, named and ordered as the article's Update Account Class.
const SETTINGS = [
  { field: "enable_portal_access", label: "Enable Portal Access", kind: "yesno" },
  { field: "enable_add_sites", label: "Enable Add Sites", kind: "yesno" },
  { field: "new_location_bundle", label: "New Location Bundle", kind: "text" },
  { field: "enable_report_access", label: "Enable Report Access", kind: "yesno" },
  { field: "default_work_order_photo_display", label: "Default Work Order Photo - Display in Customer Portal", kind: "yesno" },
  { field: "auto_send_portal_invitation", label: "Auto Send Portal Invitation on Contact Creation", kind: "yesno" },
  { field: "customer_portal_home_page", label: "Customer Portal Home Page", kind: "text" },
  { field: "new_location_template", label: "New Location Template", kind: "text" },
  { field: "enable_on_call_orders", label: "Enable On Call Orders", kind: "yesno" },
  {
    field: "enable_viewing_inactive_site",
    label: "Enable Viewing Inactive Site",
    kind: "select",
    options: [["no", "No"], ["service_history_only", "Service History Only"], ["yes", "Yes"]],
  },
  { field: "default_work_order_attachment_display", label: "Default Work Order Attachment - Display in Customer Portal", kind: "yesno" },
  { field: "allow_invoice_verified_self_registration", label: "Allow Invoice-Verified Self Registration", kind: "yesno" },
];

const alert = $("#alert");
const form = $("#class-form");
const classId = new URLSearchParams(window.location.search).get("class_id");
let loaded = null;

function row(accountClass) {
  const link = document.createElement("a");
  link.href = accountClassUrl(accountClass.class_id);
  link.textContent = accountClass.class_id;
  if (accountClass.class_id === classId) link.setAttribute("aria-current", "page");
  const tr = document.createElement("tr");
  tr.append(cell(link), cell(accountClass.name), cell(yesNo(accountClass.enable_portal_access)), cell(yesNo(accountClass.auto_send_portal_invitation)));
  return tr;
}

const classes = pagedTable({
  path: (cursor) => withQuery("/admin/account-classes", { cursor }),
  row,
  rows: $("#class-rows"),
  more: $("#more-classes"),
  count: $("#classes-count"),
  noun: "class",
  alert,
});

async function openClass() {
  const result = await attempt(alert, null, () => staffApi(`/admin/account-classes/${encodeURIComponent(classId)}`));
  if (!result) return;
  loaded = result.data;
  $("#class-title").textContent = `${loaded.class_id} ${loaded.name}`;
  fill(form, SETTINGS, loaded);
  $("#editor").hidden = false;
  offerIf("account-classes.edit", $("#save-reason"), ...controlsOf(form));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#save-class"), async () => {
    const body = { name: loaded.name, ...read(form, SETTINGS) };
    const path = `/admin/account-classes/${encodeURIComponent(loaded.class_id)}`;
    const result = await attempt(alert, form, () => staffApi(path, { method: "PUT", body }));
    if (!result) return;
    loaded = result.data;
    fill(form, SETTINGS, loaded);
    await classes.load();
    say(alert, `Account class ${loaded.class_id} saved.`, "ok");
  });
});

$("#open-class").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("#class-id").value.trim();
  if (id) window.location.assign(accountClassUrl(id));
});

async function start() {
  await signedIn();
  buildFields($("#class-fields"), SETTINGS);
  const listed = await classes.load();
  // Until the stack lists classes (GET /admin/account-classes), a class opens by its id.
  if (!listed) $("#classes-count").textContent = "The classes could not be listed: open one by its id.";
  if (classId) await openClass();
}

start().finally(interactive);
