// The public forms (Request Login, request by address): one answer whatever matched, 422 next
// to the field, 429 as "try again later" with the wait, 404 when staff turned the form off.
import { api, errorOf } from "/common/js/api.js";
import { $, busy, clearErrors, interactive, say, showFieldErrors, tryLaterMessage } from "/common/js/forms.js";

// Both forms end the same way: who is asking (Contact Name, Email Address) and Submit.
const WHO_IS_ASKING = `
  <form-field id="contact-name" label="Contact Name" data-field="contact_name" autocomplete="name" required></form-field>
  <form-field id="email" label="Email Address" type="email" data-field="email" autocomplete="email" required spellcheck="false"></form-field>
  <div class="actions"><button type="submit" id="submit">Submit</button></div>`;

/**
 * form: the <form> with the fields of its own (Contact Name, Email Address and Submit are added);
 * path: the route; body(form): the JSON to post; enabled(config): whether the login-config option
 * is on; offMessage: what to say when it is off.
 */
export function publicForm({ form, path, body, enabled, offMessage, confirmation }) {
  form.insertAdjacentHTML("beforeend", WHO_IS_ASKING);
  const alert = $("#alert");
  const done = $("#done");
  const submit = form.querySelector("button[type=submit]");

  const turnOff = () => {
    form.hidden = true;
    say(alert, offMessage, "info");
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(alert, "");
    await busy(submit, async () => {
      let result;
      try {
        result = await api(path, { method: "POST", body: body(form) });
      } catch {
        say(alert, "The portal could not be reached. Check your connection and try again.");
        return;
      }
      if (result.status === 202) {
        form.hidden = true;
        done.hidden = false;
        done.textContent = confirmation(form);
        done.focus?.();
        return;
      }
      const error = errorOf(result);
      if (result.status === 422) {
        if (!showFieldErrors(form, error)) say(alert, error.message || "Some details are not valid.");
      } else if (result.status === 429) {
        say(alert, tryLaterMessage(result.retryAfter));
      } else if (result.status === 404) {
        turnOff();
      } else {
        say(alert, error.message || "Something went wrong. Please try again.");
      }
    });
  });

  api("/portal/login-config")
    .then((result) => {
      if (result.status === 200 && result.data && !enabled(result.data)) turnOff();
    })
    .catch(() => {})
    .finally(interactive);
}
