// /staff/login: SRP sign-in to the staff pool; then back to the page the session expired on.
import "./console.js";
import { $, busy, interactive, say } from "/common/js/forms.js";
import { afterSignIn, cognitoMessage, signIn } from "/common/js/session.js";

const form = $("#sign-in");
const alert = $("#alert");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) return say(alert, "Enter your username and password.");
  await busy($("#sign-in-button"), async () => {
    say(alert, "Signing in…", "info");
    try {
      await signIn(username, password);
      afterSignIn();
    } catch (error) {
      form.password.value = "";
      say(alert, cognitoMessage(error));
      form.password.focus();
    }
  });
});

interactive();
