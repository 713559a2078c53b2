// How a console screen tells the outcome of a call: an error the API names a field for goes next
// to that field, 403 forbidden says the role may not, 429 says when to retry, a 5xx or a network
// failure says so and that nothing typed is lost (the form is left as it was).
import { errorOf } from "/common/js/api.js";
import { capitalised, clearErrors, say, showFieldErrors, tryLaterMessage } from "/common/js/forms.js";

const UNREACHABLE = "The service could not be reached: nothing was lost, what you typed is still here. Check your connection and try again.";

/** Shows why `result` failed: next to its field in `form` when it names one, else in `alert`. */
export function explain(alert, form, result) {
  const error = errorOf(result);
  if (result.status === 422 && form && showFieldErrors(form, error)) return say(alert, "Check the fields marked below.");
  if (result.status === 403) return say(alert, `Your role may not do this (forbidden). ${capitalised(error.message)}`.trim());
  if (result.status === 429) return say(alert, tryLaterMessage(result.retryAfter));
  if (result.status >= 500) {
    return say(alert, `The service failed (HTTP ${result.status}): nothing was lost, what you typed is still here. Try again in a moment.`);
  }
  return say(alert, capitalised(error.message) || `The request failed (HTTP ${result.status}).`);
}

/**
 * Runs `work` (a staffApi call) with `alert` and `form`'s errors cleared first; resolves to its
 * result when it succeeded (2xx), else explains the failure and resolves to null.
 */
export async function attempt(alert, form, work) {
  say(alert, "");
  if (form) clearErrors(form);
  let result;
  try {
    result = await work();
  } catch {
    say(alert, UNREACHABLE);
    return null;
  }
  if (result.status >= 200 && result.status < 300) return result;
  explain(alert, form, result);
  return null;
}
