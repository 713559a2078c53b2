// /login: the login page of login-config, and SRP sign-in to the portal user pool.
import { api } from "/common/js/api.js";
import { $, busy, interactive, say, wireShowPassword } from "/common/js/forms.js";
import { cognitoMessage, signIn } from "/common/js/session.js";

const form = $("#login");
const alert = $("#alert");
wireShowPassword(form);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = $("#username").value.trim();
  const password = $("#password").value;
  if (!username || !password) {
    say(alert, "Enter your username (email) and password.");
    return;
  }
  await busy($("#login-button"), async () => {
    say(alert, "Signing in…", "info");
    try {
      await signIn(username, password);
      window.location.assign("/");
    } catch (error) {
      $("#password").value = "";
      say(alert, cognitoMessage(error));
      $("#password").focus();
    }
  });
});

/** The message and terms are HTML the API has already sanitised (no script, no handlers);
 * the page's CSP would refuse inline script and style anyway. */
async function renderConfig() {
  const result = await api("/portal/login-config");
  if (result.status !== 200 || !result.data) return;
  const config = result.data;
  $("#login-message").innerHTML = config.login_message_html || "";
  const terms = $("#login-terms");
  terms.innerHTML = config.login_terms_html || "";
  terms.hidden = !config.login_terms_html;
  if (config.login_logo_url) {
    const logo = document.createElement("img");
    logo.src = config.login_logo_url;
    logo.alt = "Company logo";
    $("#logo").replaceChildren(logo);
    $("#logo").hidden = false;
  }
  $("#request-login").hidden = !config.request_login_enabled;
  $("#request-access").hidden = !config.account_request_via_address_enabled;
}

renderConfig().finally(interactive);
