// The service's HTTP API, same origin. Never logs a request or a token.

/**
 * Whose pages these are: where their config.json (user pool, client, password policy) is, their
 * sign-in page and their home, and the prefix of what they keep in sessionStorage (`name`). The
 * customers' pages are the default; the console's modules call
 * useAudience() once, before anything signs in (web/staff/js/console.js).
 */
export const audience = { name: "portal", config: "/config.json", signIn: "/login", home: "/", nav: [] };

export function useAudience(settings) {
  Object.assign(audience, settings);
}

let configPromise;

/** The audience's config.json: the user pool the pages sign in to, and its password policy. */
export function loadConfig() {
  configPromise ??= fetch(audience.config, { cache: "no-cache" }).then((response) => {
    if (!response.ok) throw new Error("The portal is not configured (config.json).");
    return response.json();
  });
  return configPromise;
}

/**
 * Call a route; resolves to {status, data, retryAfter} whatever the status (network errors
 * reject). `token` is an access token for the Authorization header, never put in the URL;
 * `headers` adds request headers (If-Match).
 */
export async function api(path, { method = "GET", body, token, headers: extra = {} } = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data, retryAfter: response.headers.get("Retry-After") };
}

/** The contract's error body: {"error": {"code", "message", "field", "details"}}. */
export function errorOf(result) {
  return (result.data && result.data.error) || { code: `http_${result.status}`, message: "" };
}
