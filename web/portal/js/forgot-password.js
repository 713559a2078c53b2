// /forgot-password: Cognito's code flow (ForgotPassword, then ConfirmForgotPassword), then sign-in.
import { loadConfig } from "/common/js/api.js";
import { $, busy, clearErrors, fieldError, interactive, policyProblem, renderPolicy, say, wireShowPassword } from "/common/js/forms.js";
import { cognitoMessage, confirmPassword, forgotPassword, signIn } from "/common/js/session.js";

const ask = $("#ask");
const reset = $("#reset");
const alert = $("#alert");
let policy;
wireShowPassword(reset);

async function sendCode() {
  const username = ask.username.value.trim();
  clearErrors(ask);
  say(alert, "");
  if (!username.includes("@")) {
    fieldError(ask, "username", "Enter the email address you sign in with.");
    return;
  }
  try {
    await forgotPassword(username);
  } catch (error) {
    const code = error && (error.code || error.name);
    // Whether the email has a login is never said: only a refusal to send at all is shown.
    if (["LimitExceededException", "TooManyRequestsException", "InvalidParameterException", "NotAuthorizedException"].includes(code)) {
      say(alert, cognitoMessage(error));
      return;
    }
  }
  ask.hidden = true;
  reset.hidden = false;
  $("#sent").textContent = `If there is a login for ${username}, we have emailed it a code. Enter it below with your new password.`;
  reset.code.focus();
}

ask.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#send-code"), sendCode);
});

$("#again").addEventListener("click", async () => {
  await busy($("#again"), sendCode);
});

reset.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(reset);
  say(alert, "");
  const username = ask.username.value.trim();
  const code = reset.code.value.trim();
  const password = reset.new_password.value;
  if (!code) return void fieldError(reset, "code", "Enter the code from the email.");
  const problem = policyProblem(password, policy);
  if (problem) return void fieldError(reset, "password", problem);
  await busy($("#reset-button"), async () => {
    try {
      await confirmPassword(username, code, password);
    } catch (error) {
      const kind = error && (error.code || error.name);
      if (kind === "CodeMismatchException" || kind === "ExpiredCodeException") fieldError(reset, "code", cognitoMessage(error));
      else if (kind === "InvalidPasswordException") fieldError(reset, "password", cognitoMessage(error));
      else say(alert, cognitoMessage(error));
      return;
    }
    say(alert, "Your password is reset. Signing you in…", "ok");
    try {
      await signIn(username, password);
      window.location.assign("/");
    } catch {
      say(alert, "Your password is reset. You can now log in with it.", "ok");
    }
  });
});

loadConfig()
  .then((config) => {
    policy = config.password_policy;
    renderPolicy($("#policy"), policy);
  })
  .finally(interactive);
