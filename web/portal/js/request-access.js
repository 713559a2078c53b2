// /request-access: request access by service address (POST /portal/access-requests).
import { $ } from "/common/js/forms.js";
import { publicForm } from "./public-form.js";

publicForm({
  form: $("#request"),
  path: "/portal/access-requests",
  enabled: (config) => config.account_request_via_address_enabled,
  offMessage: "Requests by service address are not available. Please contact your service provider.",
  body: (form) => ({
    address: {
      line1: form.line1.value.trim(),
      city: form.city.value.trim(),
      state: form.state.value.trim(),
      postal_code: form.postal_code.value.trim(),
    },
    contact_name: form.contact_name.value.trim(),
    email: form.email.value.trim(),
  }),
  confirmation: (form) =>
    `Thank you. If the address matches a service location, we will review your request and email ${form.email.value.trim()}.`,
});
