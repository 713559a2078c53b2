// The markup every form repeats, written once. Pages write
//
//   <form-field id="email" label="Email Address" type="email" data-field="email" autocomplete="email" required></form-field>
//
// and get a label, the control (input, select, textarea or checkbox), an optional hint and the
// error holder that forms.js's fieldError fills:
//
//   <div class="field"><label for="email">…</label><input id="email" …><span class="field-error" id="email-error"></span></div>
//
// Attributes:  id (moves to the control, like every attribute not listed here), label, type (text, email, password, search, number,
// checkbox, select, textarea; default text), hint (a line under the control), policy (a password
// field that shows the pool's policy: <ul id="policy">), every other attribute (name, required,
// autocomplete, data-field, data-password, data-show-password, ...) is copied onto the control.
// A select's <option> children become its options. Without name, the name is the id with
// dashes as underscores (so form.new_password finds id="new-password").
// Rendered into the light DOM, once, when the element is defined or inserted: the page's own
// script (a module, so it runs after this one) finds the controls in place.

const OWN = new Set(["id", "label", "type", "hint", "policy", "class"]);

class FormField extends HTMLElement {
  connectedCallback() {
    if (this.rendered) return;
    this.rendered = true;
    const id = this.getAttribute("id");
    const type = this.getAttribute("type") || "text";
    const control = document.createElement(type === "select" || type === "textarea" ? type : "input");
    if (control.tagName === "INPUT") control.type = type;
    for (const { name, value } of [...this.attributes]) {
      if (OWN.has(name)) continue;
      control.setAttribute(name, value); // moved, so a selector such as [data-field~=email] finds the control only
      this.removeAttribute(name);
    }
    if (!control.name) control.name = id.replaceAll("-", "_");
    if (type === "select") control.append(...this.querySelectorAll("option"));
    this.removeAttribute("id");
    control.id = id;

    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = this.getAttribute("label");
    const described = [];
    const parts = [];
    if (this.hasAttribute("hint")) parts.push(span("hint", `${id}-hint`, this.getAttribute("hint"), described));
    if (this.hasAttribute("policy")) {
      parts.push(span("hint", "policy-intro", "Your password needs:", described));
      const list = document.createElement("ul");
      list.className = "policy";
      list.id = "policy";
      described.push("policy");
      parts.push(list);
    }
    parts.push(span("field-error", `${id}-error`, "", described));
    control.setAttribute("aria-describedby", described.join(" "));

    const wrapper = document.createElement("div");
    if (type === "checkbox") {
      wrapper.className = "check";
      wrapper.append(control, label, ...parts);
    } else {
      wrapper.className = "field";
      wrapper.append(label, control, ...parts);
    }
    this.replaceChildren(wrapper);
  }
}

function span(className, id, text, described) {
  const element = document.createElement("span");
  element.className = className;
  element.id = id;
  element.textContent = text;
  described.push(id);
  return element;
}

if (!customElements.get("form-field")) customElements.define("form-field", FormField);

// The page's icon, named once here rather than in every page's head.
if (!document.querySelector("link[rel=icon]")) {
  const icon = document.createElement("link");
  icon.rel = "icon";
  icon.type = "image/svg+xml";
  icon.href = "/common/img/favicon.svg";
  document.head.append(icon);
}
