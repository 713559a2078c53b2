// What every console page shares, imported first by each of them: the staff audience and the
// navigation (screens.js, first, so the top bar is drawn with them), the top bar with Sign out,
// the one place where staff roles decide what a page offers (can, offerIf), and the staff API with
// the session's token. A new screen adds its link to screens.js and its page under web/staff/;
// it never needs to edit another screen's script.
import "./screens.js";
import { api } from "/common/js/api.js";
import "/common/js/chrome.js";
import { currentLogin, requireSignIn, sessionExpired } from "/common/js/session.js";

// Staff roles (the staff pool's groups, in the access token's cognito:groups; docs/staff-roles.md):
// portal-admins may do everything; customer-service everything but change account classes, system
// options and email templates; auditors read only; a login in no group nothing. An action is
// "<area>.<verb>": "read" and "preview" change nothing, every other verb does. This is the one
// place the console decides what a role is offered; the API answers 403 forbidden either way.
const SETTINGS = new Set(["account-classes", "system-options", "email-templates"]);
const READS = new Set(["read", "preview"]);
let groups = new Set();

function allows(group, action) {
  const [area, verb] = action.split(".");
  if (group === "portal-admins") return true;
  if (READS.has(verb)) return group === "customer-service" || group === "auditors";
  return group === "customer-service" && !SETTINGS.has(area);
}

/** Whether the signed-in staff member may `action` (e.g. "contacts.edit", "email-templates.edit"). */
export function can(action) {
  return [...groups].some((group) => allows(group, action));
}

/** Why the signed-in role may not `action`, in words ("" when it may). */
export function whyNot(action) {
  if (can(action)) return "";
  if (!groups.size) return "Your staff login has no role yet: ask an administrator to add it to one.";
  if (groups.has("customer-service")) return "Customer service can read account classes, system options and email templates, not change them.";
  return "Auditors can read, not change.";
}

/**
 * Offers `controls` only when the role may `action`: otherwise they are disabled and `reason` (an
 * element, shown) says why, and is their description.
 */
export function offerIf(action, reason, ...controls) {
  const why = whyNot(action);
  for (const control of controls) {
    control.disabled = Boolean(why);
    if (why) control.setAttribute("aria-describedby", reason.id);
  }
  reason.textContent = why;
  reason.hidden = !why;
  return !why;
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
 * with one, who is signed in goes into the top bar and its roles into can().
 */
export async function signedIn() {
  const { token, claims, username } = await currentLogin();
  if (!token) {
    sessionExpired();
    return navigatingAway();
  }
  groups = new Set(claims["cognito:groups"] || []);
  const who = document.getElementById("who");
  if (who) who.textContent = username || "";
}
