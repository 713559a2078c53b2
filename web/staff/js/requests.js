// /staff/requests: the login page's two queues as the staff API lists them, newest first: pending
// Access requests (GET /admin/access-requests) and a day's Self-registrations (GET
// /admin/self-registrations?date=, today by default).
import { signedIn } from "./console.js";
import { pagedTable, withQuery } from "./paging.js";
import { cell, statusBadge, when } from "./render.js";
import { $, busy, interactive } from "/common/js/forms.js";

const alert = $("#alert");
const addressText = (a) => (a ? `${a.line1}, ${a.city} ${a.state} ${a.postal_code}` : "");

function accessRow(request) {
  const tr = document.createElement("tr");
  const site = request.site ? `${request.site.site_id} ${request.site.name} (account ${request.site.account_id})` : "";
  const more = request.more_matched_sites || (request.matched_sites || []).length > 1 ? " and more" : "";
  tr.append(cell(when(request.received_at)), cell(request.contact_name), cell(request.email), cell(addressText(request.address)), cell(site + more));
  return tr;
}

function registrationRow(attempt) {
  const tr = document.createElement("tr");
  tr.append(
    cell(when(attempt.received_at)),
    cell(attempt.contact_name),
    cell(attempt.email),
    cell(attempt.invoice_number),
    cell(statusBadge(attempt.outcome)),
    cell(attempt.account_id || ""),
  );
  return tr;
}

const accessRequests = pagedTable({
  path: (cursor) => withQuery("/admin/access-requests", { cursor }),
  row: accessRow,
  rows: $("#access-rows"),
  more: $("#more-access"),
  count: $("#access-count"),
  noun: "access request",
  alert,
});

const registrations = pagedTable({
  path: (cursor) => withQuery("/admin/self-registrations", { date: $("#day").value, cursor }),
  row: registrationRow,
  rows: $("#registration-rows"),
  more: $("#more-registrations"),
  count: $("#registrations-count"),
  noun: "self-registration",
  alert,
});

$("#day-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("#show-day"), registrations.load);
});

async function start() {
  await signedIn();
  $("#day").value = new Date().toISOString().slice(0, 10);
  await Promise.all([accessRequests.load(), registrations.load()]);
}

start().finally(interactive);
