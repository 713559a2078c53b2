// /request-login: invoice-verified self-registration (POST /portal/self-registrations).
import { $ } from "/common/js/forms.js";
import { publicForm } from "./public-form.js";

publicForm({
  form: $("#request"),
  path: "/portal/self-registrations",
  enabled: (config) => config.request_login_enabled,
  offMessage: "Request Login is not available. Please contact your service provider for a portal login.",
  body: (form) => {
    // One field takes either proof, as on the printed invoice: an account number is all digits.
    const proof = form.proof.value.trim();
    const isAccountNumber = /^[0-9]+$/.test(proof);
    return {
      invoice_number: form.invoice_number.value.trim(),
      [isAccountNumber ? "account_number" : "quick_pay_code"]: proof,
      contact_name: form.contact_name.value.trim(),
      email: form.email.value.trim(),
    };
  },
  confirmation: (form) =>
    `Thank you. If the details match a recent invoice, an invitation with login information is on its way to ${form.email.value.trim()}. ` +
    "It can take a few minutes; check your spam folder too.",
});
