// Settings screens (Update Account Class, System Options) as a table of fields: each field's API
// name, label (the article's), and kind. The form is built from the table with <form-field>, filled
// from the API's object and read back into the object the API takes.
//   yesno: a Yes / No select for a boolean     text, email, url: an input ("" is sent as null when nullable)
//   textarea: a multi-line input               select: choices given as [[value, label], ...]
import "/common/js/elements.js";

const YES_NO = [["yes", "Yes"], ["no", "No"]];

const idOf = (field) => field.replaceAll("_", "-");

function option(value, label) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  return element;
}

/** Appends a <form-field> per spec to `container`. */
export function buildFields(container, specs) {
  for (const spec of specs) {
    const field = document.createElement("form-field");
    const type = spec.kind === "yesno" ? "select" : spec.kind;
    field.setAttribute("id", idOf(spec.field));
    field.setAttribute("label", spec.label);
    field.setAttribute("type", type);
    field.setAttribute("name", spec.field);
    field.setAttribute("data-field", spec.field);
    if (spec.hint) field.setAttribute("hint", spec.hint);
    if (type === "textarea") field.setAttribute("rows", spec.rows || "4");
    for (const [value, label] of spec.kind === "yesno" ? YES_NO : spec.options || []) field.append(option(value, label));
    container.append(field);
  }
}

/** Replaces a select field's options with `choices`, none of them chosen yet (fill() sets the value). */
export function setChoices(form, field, choices) {
  const select = form.elements[field];
  select.replaceChildren(...choices.map((value) => option(value, value)));
  select.selectedIndex = -1;
}

export function fill(form, specs, data) {
  for (const spec of specs) {
    const control = form.elements[spec.field];
    const value = data[spec.field];
    if (spec.kind === "yesno") control.value = value ? "yes" : "no";
    else {
      if (control.tagName === "SELECT" && value && ![...control.options].some((o) => o.value === value)) control.append(option(value, value));
      control.value = value ?? "";
    }
  }
}

export function read(form, specs) {
  const data = {};
  for (const spec of specs) {
    const value = form.elements[spec.field].value;
    if (spec.kind === "yesno") data[spec.field] = value === "yes";
    else data[spec.field] = spec.nullable && !value.trim() ? null : value;
  }
  return data;
}

/** Every control of the form, for disabling them all at once (a role that reads only). */
export const controlsOf = (form) => [...form.querySelectorAll("input, select, textarea, button")];
