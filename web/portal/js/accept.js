// /invitations/accept#token=...: the link is checked first (POST /portal/invitations/check), so an
// expired, used, revoked or unknown link says so before anyone types a password; then a new email
// sets its password, and an email that already has a login signs in first, then accepts with its
// access token (README, "Accepting").
import { api, errorOf, loadConfig } from "/common/js/api.js";
import { $, busy, capitalised, clearErrors, fieldError, interactive, policyProblem, renderPolicy, say, tryLaterMessage, wireShowPassword } from "/common/js/forms.js";
import { accessToken, cognitoMessage, signIn } from "/common/js/session.js";

const alert = $("#alert");
const setPassword = $("#set-password");
const signInForm = $("#sign-in");
wireShowPassword(setPassword);
wireShowPassword(signInForm);

// The token is read once from the fragment and kept in memory; the address bar (and so the
// history) keeps no copy of it.
const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
if (window.location.hash) history.replaceState(null, "", window.location.pathname);
// Another invitation link opened in this tab changes only the fragment: read it afresh.
window.addEventListener("hashchange", () => window.location.reload());
let policy;

function show(part) {
  $("#checking").hidden = true;
  for (const element of [setPassword, signInForm, $("#gone")]) element.hidden = element !== part;
}

/** The link does not work: say why; "Send Me a New Link" only where a renewal is possible. */
function gone(message, renewable = true) {
  $("#title").textContent = "This invitation link no longer works";
  $("#gone-message").textContent = capitalised(message);
  $("#refresh").hidden = !renewable;
  say(alert, "");
  show($("#gone"));
}

// What /portal/invitations/check's states mean to the person holding the link.
const STATES = {
  expired: "This invitation link has expired.",
  used: "This invitation link was already used. If it was you, sign in with Back to Login.",
  revoked: "This invitation link was replaced by a newer one. Use the link in the latest invitation email.",
  unknown: "This invitation link is not valid. Open it again from the email, or copy the whole link into the address bar.",
};
const ASK_AGAIN = " Please ask your service provider to invite you again.";

/** What an accept answer other than 200 means; true when it was handled. */
function explain(result, form) {
  const error = errorOf(result);
  if (result.status === 410) {
    gone(error.message || "This invitation link has expired, was already used, or was replaced by a newer one.");
  } else if (result.status === 409 && error.code === "sign_in_required") {
    show(signInForm);
    $("#sign-in-intro").hidden = true; // the alert says it
    say(alert, "This email already has a portal login. Sign in with it to add this account; your password stays the same.", "info");
    signInForm.username.focus();
  } else if (result.status === 422 && (error.field === "password" || (error.details || []).some((d) => d.field === "password"))) {
    fieldError(form, "password", capitalised(error.message.replace(/^password: /, "")));
  } else if (result.status === 422) {
    gone("This invitation link is incomplete. Open it again from the email, or copy the whole link into the address bar.");
  } else if (result.status === 429) {
    say(alert, tryLaterMessage(result.retryAfter));
  } else if (result.status === 401) {
    say(alert, "You are signed in as someone else than the invited email. Sign in with the email the invitation was sent to.");
  } else {
    say(alert, error.message || "Something went wrong. Please try again.");
  }
}

setPassword.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(setPassword);
  say(alert, "");
  const password = setPassword.new_password.value;
  const problem = policyProblem(password, policy);
  if (problem) return void fieldError(setPassword, "password", problem);
  await busy($("#set-password-button"), async () => {
    const result = await api("/portal/invitations/accept", { method: "POST", body: { token, password } });
    if (result.status !== 200) return explain(result, setPassword);
    say(alert, "Your login is ready. Signing you in…", "ok");
    try {
      await signIn(result.data.username, password);
      window.location.assign("/");
    } catch (error) {
      say(alert, `Your login is ready, but signing in failed: ${cognitoMessage(error)} Use Back to Login.`);
    }
  });
});

signInForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  say(alert, "");
  await busy($("#sign-in-button"), async () => {
    try {
      await signIn(signInForm.username.value, signInForm.password.value);
    } catch (error) {
      signInForm.password.value = "";
      return say(alert, cognitoMessage(error));
    }
    const result = await api("/portal/invitations/accept", { method: "POST", body: { token }, token: await accessToken() });
    if (result.status !== 200) return explain(result, signInForm);
    window.location.assign("/");
  });
});

$("#have-login").addEventListener("click", () => {
  $("#sign-in-intro").hidden = false;
  show(signInForm);
  signInForm.username.focus();
});
$("#new-login").addEventListener("click", () => {
  show(setPassword);
  setPassword.new_password.focus();
});

// "Send me a new link": only an expired invitation whose contact still qualifies gets one,
// emailed to the contact; the answer is the same whatever happened.
$("#refresh").addEventListener("click", async () => {
  await busy($("#refresh"), async () => {
    const result = await api("/portal/invitations/refresh", { method: "POST", body: { token } });
    if (result.status === 202) {
      $("#gone").hidden = true;
      const done = $("#done");
      done.hidden = false;
      done.textContent = "If this invitation can be renewed, a new link is on its way to the email address it was sent to.";
    } else if (result.status === 429) {
      say(alert, tryLaterMessage(result.retryAfter));
    } else {
      say(alert, "A new link cannot be sent from here. Please ask your service provider to invite you again.");
    }
  });
});

async function start() {
  if (!token) {
    gone("This page needs the link from your invitation email. Open the link in the email again.", false);
    return;
  }
  const [check, config] = await Promise.all([api("/portal/invitations/check", { method: "POST", body: { token } }), loadConfig()]);
  if (check.status === 429) {
    $("#checking").hidden = true;
    return say(alert, tryLaterMessage(check.retryAfter));
  }
  const state = check.status === 200 && check.data ? check.data.state : "valid"; // no check route: accept will say
  if (state !== "valid") {
    const renewable = Boolean(check.data.renewable);
    return gone((STATES[state] || STATES.unknown) + (renewable ? "" : ASK_AGAIN), renewable);
  }
  policy = config.password_policy;
  renderPolicy($("#policy"), policy);
  show(setPassword);
}

start()
  .catch(() => {
    $("#checking").hidden = true;
    say(alert, "The portal could not be reached. Check your connection and reload the page.");
  })
  .finally(interactive);
