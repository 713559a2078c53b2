// /staff/bulk-invite: an invitation batch (POST /admin/invitation-batches) over a selection (account
// numbers, an account class or every active account) and the contacts it counts (never invited,
// expired). Dry run shows what a run would do: how many would be invited, how many skipped by
// reason, with examples. Run is offered once a dry run of the same choices has been seen; its
// progress (GET /admin/invitation-batches/{id}) is polled until it ends; Cancel (DELETE) stops what
// is not sent yet. The batch id stays in the address (?batch_id=), so a reload keeps watching.
import { offerIf, signedIn, staffApi } from "./console.js";
import { attempt } from "./outcome.js";
import { withQuery } from "./paging.js";
import { cell } from "./render.js";
import { setChoices } from "./settings-form.js";
import { $, busy, interactive, say } from "/common/js/forms.js";

const POLL_MS = 1000;
const REASONS = {
  account_inactive: "Account inactive",
  has_login: "Already has a login for the account",
  portal_access_disabled: "Portal access disabled (class or contact)",
  no_email: "No email",
  email_undeliverable: "Email undeliverable",
  invitation_pending: "Invitation pending",
};
const alert = $("#alert");
const form = $("#batch-form");
let dryRunOf = null; // the request body the last dry run answered
let batchId = new URLSearchParams(window.location.search).get("batch_id");
let timer = null;

const mode = () => form.elements.mode.value;

function body(dryRun) {
  const selection = {
    account_ids: { account_ids: $("#account-ids").value.split(/[\s,]+/).filter(Boolean) },
    class_id: { class_id: $("#class-id").value },
    all_active_accounts: { all_active_accounts: true },
  }[mode()];
  const include = ["never_invited", "expired"].filter((name) => form.elements[name].checked);
  return { selection, include, dry_run: dryRun };
}

const sameChoices = () => dryRunOf !== null && JSON.stringify(body(true)) === JSON.stringify(dryRunOf);

/** Run is offered to a role that may start batches, once the current choices have had a dry run. */
function offerRun() {
  if (!offerIf("invitation-batches.run", $("#run-reason"), $("#dry-run"), $("#run"))) return;
  const ready = sameChoices();
  $("#run").disabled = !ready;
  $("#run-reason").hidden = ready;
  $("#run-reason").textContent = ready ? "" : "Do a dry run of these choices first: Run sends what it showed.";
  $("#run").setAttribute("aria-describedby", "run-reason");
}

function showMode() {
  $("#account-ids").closest("form-field").hidden = mode() !== "account_ids";
  $("#class-id").closest("form-field").hidden = mode() !== "class_id";
  offerRun();
}

function examples(samples) {
  return (samples || []).map((s) => `${s.name} (account ${s.account_id})`).join("; ");
}

function showDryRun(result) {
  const rows = [["Would be invited", result.would_invite, result.samples.would_invite]];
  for (const [reason, label] of Object.entries(REASONS)) {
    if (result.skipped[reason]) rows.push([`Skipped: ${label}`, result.skipped[reason], result.samples[reason]]);
  }
  $("#dry-run-rows").replaceChildren(
    ...rows.map(([label, count, samples]) => {
      const tr = document.createElement("tr");
      tr.append(cell(label), cell(String(count)), cell(examples(samples)));
      return tr;
    }),
  );
  const skipped = Object.values(result.skipped).reduce((a, b) => a + b, 0);
  $("#would-invite").textContent = `A run would invite ${result.would_invite} contact${result.would_invite === 1 ? "" : "s"} and skip ${skipped}.`;
  $("#dry-run-result").hidden = false;
}

$("#dry-run").addEventListener("click", () =>
  busy($("#dry-run"), async () => {
    const request = body(true);
    const result = await attempt(alert, form, () => staffApi("/admin/invitation-batches", { method: "POST", body: request }));
    dryRunOf = result ? request : null;
    if (result) showDryRun(result.data);
    else $("#dry-run-result").hidden = true;
  }).then(offerRun),
);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!sameChoices()) return offerRun();
  await busy($("#run"), async () => {
    const result = await attempt(alert, form, () => staffApi("/admin/invitation-batches", { method: "POST", body: body(false) }));
    if (!result) return;
    batchId = result.data.batch_id;
    dryRunOf = null; // another run of the same choices wants a dry run of its own first
    history.replaceState(null, "", withQuery(window.location.pathname, { batch_id: batchId }));
    say(alert, "The batch is running: invitations go out at the configured sending rate.", "ok");
    await watch();
  });
  offerRun();
});

function showProgress(batch) {
  const skipped = Object.values(batch.skipped || {}).reduce((a, b) => a + b, 0);
  const done = batch.sent + skipped + batch.failed + (batch.cancelled || 0);
  const states = { running: "Running", completed: "Completed", cancelled: "Cancelled" };
  const state = states[batch.state] || batch.state;
  $("#batch-id").textContent = batch.batch_id;
  $("#batch-state-value").textContent = state;
  $("#batch-total").textContent = `${batch.total}${batch.planned === false ? " so far" : ""}`;
  $("#batch-sent").textContent = String(batch.sent);
  $("#batch-skipped").textContent = [String(skipped), ...Object.entries(batch.skipped || {}).filter(([, n]) => n).map(([r, n]) => `${REASONS[r] || r}: ${n}`)].join(" · ");
  $("#batch-failed").textContent = String(batch.failed);
  $("#batch-progress").max = Math.max(batch.total, 1);
  $("#batch-progress").value = Math.min(done, batch.total);
  if ($("#batch-state").dataset.state !== batch.state) {
    $("#batch-state").dataset.state = batch.state;
    $("#batch-state").textContent = `Batch ${state.toLowerCase()}.`;
  }
  $("#batch").hidden = false;
  const running = batch.state === "running";
  if (offerIf("invitation-batches.cancel", $("#cancel-reason"), $("#cancel-batch"))) $("#cancel-batch").disabled = !running;
}

/** Polls the batch's progress until it has ended (or the page is left). */
async function watch() {
  clearTimeout(timer);
  const result = await attempt(alert, null, () => staffApi(`/admin/invitation-batches/${encodeURIComponent(batchId)}`));
  if (!result) return;
  showProgress(result.data);
  if (result.data.state === "running") timer = setTimeout(watch, POLL_MS);
}

$("#cancel-batch").addEventListener("click", () =>
  busy($("#cancel-batch"), async () => {
    const result = await attempt(alert, null, () => staffApi(`/admin/invitation-batches/${encodeURIComponent(batchId)}`, { method: "DELETE" }));
    if (result) say(alert, "The batch is cancelled: nothing more is sent.", "ok");
    await watch();
  }),
);

for (const control of form.elements) {
  control.addEventListener("change", () => (control.name === "mode" ? showMode() : offerRun()));
  control.addEventListener("input", offerRun);
}

/** The account classes, for choosing one (the first hundred). */
async function classIds() {
  const result = await attempt(alert, null, () => staffApi(withQuery("/admin/account-classes", { limit: "100" })));
  return result ? result.data.items.map((item) => item.class_id) : [];
}

async function start() {
  await signedIn();
  setChoices(form, "class_id", await classIds());
  showMode();
  if (batchId) await watch();
}

start().finally(interactive);
