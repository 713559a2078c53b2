// /staff/system-options: System Options Setup, Customer Portal section (GET / PUT
// /admin/system-options/customer-portal), the options named as the article's table; the invite
// and request-address templates chosen from the email templates; Login Message (HTML) and Login
// Terms (HTML) with a preview sanitised by the service exactly as the login page shows them
// (POST /admin/system-options/customer-portal/preview).
import { offerIf, signedIn, staffApi } from "./console.js";
import { attempt } from "./outcome.js";
import { allPages, withQuery } from "./paging.js";
import { buildFields, controlsOf, fill, read, setChoices } from "./settings-form.js";
import { $, busy, interactive, say } from "/common/js/forms.js";

const PATH = "/admin/system-options/customer-portal";
const OPTIONS = [
  { field: "customer_portal_url", label: "Customer Portal URL", kind: "url", nullable: true },
  { field: "display_service_history", label: "Display Service History", kind: "yesno" },
  { field: "display_ar_history", label: "Display AR History", kind: "yesno" },
  { field: "display_aging_buckets", label: "Display Aging Buckets", kind: "yesno" },
  { field: "display_login_terms", label: "Display Login Terms", kind: "yesno" },
  { field: "display_current_services", label: "Display Current Services", kind: "yesno" },
  { field: "display_service_quantity", label: "Display Service Quantity", kind: "yesno" },
  { field: "enable_payment_as_guest", label: "Enable Payment as Guest", kind: "yesno" },
  { field: "enable_auto_pay_max_amount", label: "Enable Auto Pay Max Amount", kind: "yesno" },
  { field: "display_third_party_invoices", label: "Display Third Party Invoices", kind: "yesno" },
  {
    field: "account_invite_from_email",
    label: "Account Invite From Email",
    kind: "email",
    nullable: true,
    hint: "An address (or an address of a domain) that SES may send from.",
  },
  { field: "invite_email_template", label: "Invite Email Template", kind: "select" },
  { field: "enable_account_request_via_address", label: "Enable Account Request via Address", kind: "yesno" },
  { field: "account_request_address_found_template", label: "Account Request Address Found Template", kind: "select" },
  { field: "enable_request_login_button", label: "Enable Request Login Button", kind: "yesno" },
  { field: "login_logo_url", label: "Login Logo URL", kind: "url", nullable: true, hint: "An https address of an image." },
];
const HTML = [
  { field: "login_message_html", label: "Login Message (HTML)", kind: "textarea", rows: "5" },
  { field: "login_terms_html", label: "Login Terms (HTML)", kind: "textarea", rows: "5" },
  { field: "make_a_payment_terms", label: "Make a Payment Terms", kind: "textarea", rows: "3" },
];
const ALL = [...OPTIONS, ...HTML];
const TEMPLATE_FIELDS = ["invite_email_template", "account_request_address_found_template"];
const MAX_TEMPLATE_PAGES = 5;

const alert = $("#alert");
const form = $("#options-form");

/** The templates' names, for the two template choices (a few pages at most). */
async function templateNames() {
  const templates = await allPages((cursor) => attempt(alert, null, () => staffApi(withQuery("/admin/email-templates", { cursor }))), MAX_TEMPLATE_PAGES);
  return templates.map((template) => template.name);
}

/** The message, terms and logo as /login renders them (login.js): sanitised HTML, the logo's img. */
async function preview() {
  const body = { login_message_html: form.login_message_html.value, login_terms_html: form.login_terms_html.value };
  const result = await attempt(alert, form, () => staffApi(`${PATH}/preview`, { method: "POST", body }));
  if (!result) return;
  $("#preview-message").innerHTML = result.data.login_message_html;
  $("#preview-terms").innerHTML = result.data.login_terms_html;
  const logoUrl = form.login_logo_url.value.trim();
  const logo = $("#preview-logo");
  logo.hidden = !/^https:\/\//.test(logoUrl);
  if (!logo.hidden) {
    const image = document.createElement("img");
    image.src = logoUrl;
    image.alt = "Company logo";
    logo.replaceChildren(image);
  }
  $("#login-preview").hidden = false;
}

$("#preview-login").addEventListener("click", () => busy($("#preview-login"), preview));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#save-options"), async () => {
    const result = await attempt(alert, form, () => staffApi(PATH, { method: "PUT", body: read(form, ALL) }));
    if (!result) return;
    fill(form, ALL, result.data);
    say(alert, "System options saved.", "ok");
  });
});

async function start() {
  await signedIn();
  buildFields($("#option-fields"), OPTIONS);
  buildFields($("#html-fields"), HTML);
  const [options, names] = await Promise.all([attempt(alert, null, () => staffApi(PATH)), templateNames()]);
  if (!options) return;
  for (const field of TEMPLATE_FIELDS) setChoices(form, field, names);
  fill(form, ALL, options.data);
  form.hidden = false;
  const editable = controlsOf(form).filter((control) => control.id !== "preview-login");
  offerIf("system-options.edit", $("#save-reason"), ...editable);
}

start().finally(interactive);
