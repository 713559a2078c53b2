// Sign-in straight against the audience's user pool (api.js's audience: the portal pool for the
// customers' pages, the staff pool for the console) with SRP (amazon-cognito-identity-js, loaded
// from /common/vendor/ as soon as a page imports this module). Tokens live in sessionStorage only
// (the library's Storage option): gone when the tab closes, never in localStorage, a URL or a log.

import { audience, loadConfig } from "./api.js";

const LIBRARY = "/common/vendor/amazon-cognito-identity.min.js";

/**
 * A sessionStorage key of this audience's pages. Each audience keeps its own keys (and the
 * library its own per app client), so signing out of the portal leaves a console session in the
 * same tab signed in, and the other way round.
 */
export function pageKey(name) {
  return `${audience.name}.${name}`;
}

const RETURN_KEY = "return"; // the page to go back to after signing in (a path, no token)
let poolPromise;
let AmazonCognito;

const libraryPromise = new Promise((resolve, reject) => {
  if (window.AmazonCognitoIdentity) return resolve(window.AmazonCognitoIdentity);
  const script = document.createElement("script");
  script.src = LIBRARY;
  script.addEventListener("load", () => (window.AmazonCognitoIdentity ? resolve(window.AmazonCognitoIdentity) : reject(new Error("The sign-in library did not load."))));
  script.addEventListener("error", () => reject(new Error("The sign-in library did not load.")));
  document.head.append(script);
}).then((found) => (AmazonCognito = found));
libraryPromise.catch(() => {});

function library() {
  if (!AmazonCognito) throw new Error("The sign-in library did not load.");
  return AmazonCognito;
}

function pool() {
  poolPromise ??= Promise.all([loadConfig(), libraryPromise]).then(
    ([config]) =>
      new (library().CognitoUserPool)({
        UserPoolId: config.user_pool_id,
        ClientId: config.client_id,
        endpoint: config.cognito_endpoint,
        Storage: window.sessionStorage,
      }),
  );
  return poolPromise;
}

function userFor(userPool, username) {
  return new (library().CognitoUser)({ Username: username, Pool: userPool, Storage: window.sessionStorage });
}

/** What a Cognito error means to the person at the keyboard. */
export function cognitoMessage(error) {
  switch (error && (error.code || error.name)) {
    case "NotAuthorizedException":
    case "UserNotFoundException":
      return /disabled/i.test(error.message || "")
        ? "This login is disabled. Ask your service provider to restore your portal access."
        : "Incorrect username or password.";
    case "PasswordResetRequiredException":
      return "You need to reset your password: use Forgot or Reset Password.";
    case "CodeMismatchException":
    case "ExpiredCodeException":
      return "That code is not right or has expired. Check the latest email, or ask for a new code.";
    case "InvalidPasswordException":
      return (error.message || "The password does not meet the requirements.").replace(/^Password does not conform to policy: /, "The password does not meet the requirements: ");
    case "LimitExceededException":
    case "TooManyRequestsException":
    case "TooManyFailedAttemptsException":
      return "Too many attempts. Please wait a few minutes and try again.";
    default:
      return "Something went wrong while talking to the sign-in service. Please try again.";
  }
}

/** SRP sign-in; resolves when the tokens are in sessionStorage. */
export async function signIn(username, password) {
  const userPool = await pool();
  const user = userFor(userPool, username.trim());
  const details = new (library().AuthenticationDetails)({ Username: username.trim(), Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: (session) => resolve(session),
      onFailure: (error) => reject(error),
      newPasswordRequired: () => reject(Object.assign(new Error("reset"), { code: "PasswordResetRequiredException" })),
      mfaRequired: () => reject(new Error("MFA is not offered on the portal")),
    });
  });
}

/**
 * The signed-in user and their session (refreshed when expired; null when that failed), or null
 * when nobody is signed in: one getSession for all that a page start asks about the login.
 */
async function currentSession() {
  const user = (await pool()).getCurrentUser();
  if (!user) return null;
  return new Promise((resolve) => {
    user.getSession((error, session) => resolve({ user, session: error ? null : session || null }));
  });
}

const tokenOf = (current) => (current && current.session && current.session.isValid() ? current.session.getAccessToken().getJwtToken() : null);

function usernameOf(current) {
  if (!current) return null;
  const claims = current.session ? current.session.getIdToken().payload : {};
  return claims["cognito:username"] || claims.email || current.user.getUsername();
}

const claimsOf = (current) => (current && current.session ? current.session.getAccessToken().payload || {} : {});

/** The current access token (refreshed when expired), or null when nobody is signed in. */
export async function accessToken() {
  return tokenOf(await currentSession());
}

/**
 * From one session: the access token (as accessToken()), its claims (e.g. the staff pool's
 * cognito:groups; {} when signed out) and who is signed in, as they typed it (the ID token's
 * username or email; null when signed out).
 */
export async function currentLogin() {
  const current = await currentSession();
  return { token: tokenOf(current), claims: claimsOf(current), username: usernameOf(current) };
}

/** Sign out everywhere (Cognito GlobalSignOut revokes the refresh tokens), then forget the tokens. */
export async function signOut() {
  const userPool = await pool();
  const user = userPool.getCurrentUser();
  if (user) {
    await new Promise((resolve) => {
      user.getSession((error) => {
        if (error) return resolve();
        user.globalSignOut({ onSuccess: resolve, onFailure: resolve });
      });
    });
    user.signOut();
  }
  const config = await loadConfig();
  const ours = [`CognitoIdentityServiceProvider.${config.client_id}.`, pageKey("")];
  for (const key of Object.keys(window.sessionStorage)) {
    if (ours.some((prefix) => key.startsWith(prefix))) window.sessionStorage.removeItem(key);
  }
}

export async function forgotPassword(username) {
  const userPool = await pool();
  const user = userFor(userPool, username.trim());
  return new Promise((resolve, reject) => {
    user.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve });
  });
}

export async function confirmPassword(username, code, newPassword) {
  const userPool = await pool();
  const user = userFor(userPool, username.trim());
  return new Promise((resolve, reject) => {
    user.confirmPassword(code.trim(), newPassword, { onSuccess: resolve, onFailure: reject });
  });
}

/**
 * The access token of a signed-in page, or (nobody signed in, or the session expired) off to the
 * audience's sign-in page, which comes back here after signing in. Resolves to null then.
 */
export async function requireSignIn() {
  const token = await accessToken();
  if (!token) sessionExpired();
  return token;
}

/** Back to sign-in (a 401, an expired refresh token), remembering the page to return to. */
export function sessionExpired() {
  sessionStorage.setItem(pageKey(RETURN_KEY), window.location.pathname + window.location.search);
  window.location.replace(audience.signIn);
}

/** Where to go once signed in: the page the session expired on (same audience only), else home. */
export function afterSignIn() {
  const back = sessionStorage.getItem(pageKey(RETURN_KEY));
  sessionStorage.removeItem(pageKey(RETURN_KEY));
  const sameAudience = back && back.startsWith(audience.home) && back.startsWith("/") && !back.startsWith("//");
  window.location.assign(sameAudience ? back : audience.home);
}
