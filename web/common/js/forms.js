// Form helpers shared by the pages: field errors next to their field, one alert per form,
// busy buttons, Show My Password, the password policy, and 429's "try again later".
// Importing it defines <form-field> (elements.js), so every page that has forms has the element.
import "./elements.js";

export const $ = (selector, root = document) => root.querySelector(selector);

/** Show `message` in the alert element (role=alert or status), kind: error | ok | info. */
export function say(element, message, kind = "error") {
  element.className = `alert ${kind}`;
  element.textContent = message;
}

export function clearErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const holder of form.querySelectorAll(".field-error")) holder.textContent = "";
}

/** The input that answers for an API field name (data-field lists the names it covers). */
function inputFor(form, field) {
  const top = String(field || "").split(/[.[]/)[0];
  return (
    form.querySelector(`[data-field~="${CSS.escape(field)}"]`) ||
    form.querySelector(`[data-field~="${CSS.escape(top)}"]`)
  );
}

export function fieldError(form, field, message) {
  const input = inputFor(form, field);
  if (!input) return false;
  const holder = document.getElementById(`${input.id}-error`);
  input.setAttribute("aria-invalid", "true");
  if (holder) holder.textContent = message;
  return true;
}

/** A 422 body's problems next to their fields; true when at least one found its field. */
export function showFieldErrors(form, error) {
  const problems = error.details && error.details.length ? error.details : [{ field: error.field, message: error.message }];
  let shown = false;
  for (const problem of problems) {
    const message = sentence(problem.message || error.message);
    shown = fieldError(form, problem.field, message) || shown;
  }
  const first = form.querySelector("[aria-invalid=true]");
  if (first) first.focus();
  return shown;
}

/** The API's validation wording, said the way a form says it. */
function sentence(text) {
  const clean = String(text || "This value is not valid").replace(/^[\w.[\]]+: /, "");
  if (/^(is required|field required|string should have at least 1 character)/i.test(clean)) return "This field is required.";
  const shortest = clean.match(/^string should have at least (\d+) characters/i);
  if (shortest) return `Enter at least ${shortest[1]} characters.`;
  const longest = clean.match(/^string should have at most (\d+) characters/i);
  if (longest) return `Enter at most ${longest[1]} characters.`;
  if (/not a valid email address/i.test(clean)) return "Enter a valid email address, like name@example.com.";
  if (/should match pattern/i.test(clean)) return "Use only letters, digits, dots, dashes and underscores.";
  return capitalised(clean);
}

/** A message from the API as a sentence: capital first letter, full stop. */
export function capitalised(text) {
  const clean = String(text || "").trim();
  return clean.charAt(0).toUpperCase() + clean.slice(1).replace(/([^.!?])$/, "$1.");
}

/** 429: "try again later", with the wait Retry-After gives (seconds, or an HTTP date). */
export function tryLaterMessage(retryAfter) {
  let seconds = Number(retryAfter);
  if (!Number.isFinite(seconds) && retryAfter) seconds = (Date.parse(retryAfter) - Date.now()) / 1000;
  if (!Number.isFinite(seconds) || seconds <= 0) return "Too many requests. Please try again later.";
  const minutes = Math.ceil(seconds / 60);
  const wait = seconds < 90 ? `${Math.ceil(seconds)} seconds` : minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
  return `Too many requests. Please try again in ${wait}.`;
}

export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** "Show My Password": the checkbox switches every password field of its form. */
export function wireShowPassword(form) {
  const toggle = form.querySelector("[data-show-password]");
  if (!toggle) return;
  toggle.addEventListener("change", () => {
    for (const input of form.querySelectorAll("input[data-password]")) input.type = toggle.checked ? "text" : "password";
  });
}

/** The pool's password policy as a list, and the rules a password breaks (client-side hint only). */
export function policyRules(policy) {
  const rules = [[`at least ${policy.minimum_length} characters`, (p) => p.length >= policy.minimum_length]];
  if (policy.require_lowercase) rules.push(["a lowercase letter", (p) => /[a-z]/.test(p)]);
  if (policy.require_uppercase) rules.push(["an uppercase letter", (p) => /[A-Z]/.test(p)]);
  if (policy.require_numbers) rules.push(["a number", (p) => /[0-9]/.test(p)]);
  if (policy.require_symbols) rules.push(["a symbol", (p) => /[^A-Za-z0-9]/.test(p)]);
  return rules;
}

export function renderPolicy(list, policy) {
  list.replaceChildren(
    ...policyRules(policy).map(([text]) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }),
  );
}

export function policyProblem(password, policy) {
  const missing = policyRules(policy).filter(([, ok]) => !ok(password)).map(([text]) => text);
  return missing.length ? `The password needs ${missing.join(", ")}.` : null;
}

/** Marks the page ready for the browser tests' time-to-interactive measure. */
export function interactive() {
  performance.mark("portal-interactive");
  document.documentElement.dataset.ready = "true";
}
