// What every console page shares, imported first by each of them: the staff audience and the
// navigation (screens.js, first, so the top bar is drawn with them), the top bar with Sign out,
// the one place where staff roles will decide what a page offers (can), and the staff API with
// the session's token. A new screen adds its link to screens.js and its page under web/staff/;
// it never needs to edit another screen's script.
import "./screens.js";
import { api } from "/common/js/api.js";
import "/common/js/chrome.js";
import { currentUsername, requireSignIn, sessionExpired } from "/common/js/session.js";

/**
 * Whether the signed-in staff member may `action` (e.g. "contacts.edit", "invitations.send").
 * Everything is allowed until staff roles (issue 20) put the token's cognito:groups here; the API
 * refuses with 403 forbidden either way, and the pages show that answer.
 */
export function can(_action) {
  return true;
}

const navigatingAway = () => new Promise(() => {});

/**
 * A staff route called with the session's access token: {status, data, retryAfter} as api();
 * without a session, or on a 401, the page goes to sign-in (and comes back here after), and the
 * promise never settles, so no caller goes on with a half-loaded page.
 */
export async function staffApi(path, options = {}) {
  const token = await requireSignIn();
  if (!token) return navigatingAway();
  const result = await api(path, { ...options, token });
  if (result.status === 401) {
    sessionExpired();
    return navigatingAway();
  }
  return result;
}

/**
 * Every console page's start: without a session, off to sign-in (the promise never settles);
 * with one, who is signed in goes into the top bar.
 */
export async function signedIn() {
  if (!(await requireSignIn())) return navigatingAway();
  const who = document.getElementById("who");
  if (who) who.textContent = (await currentUsername()) || "";
}
