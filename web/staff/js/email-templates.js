// /staff/email-templates: the templates (GET /admin/email-templates, paged), and the one in ?name=:
// Subject, HTML, Text, Preview (POST .../preview renders them with sample values, nothing saved)
// and Save (PUT). The preview's HTML is shown in a sandboxed frame (no scripts, no same origin)
// whose document forbids everything but images, so no template can run code in the console.
import { offerIf, signedIn, staffApi } from "./console.js";
import { attempt } from "./outcome.js";
import { pagedTable, withQuery } from "./paging.js";
import { cell, when } from "./render.js";
import { controlsOf } from "./settings-form.js";
import { $, busy, interactive, say } from "/common/js/forms.js";

const FRAME_POLICY = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'";
const alert = $("#alert");
const form = $("#template-form");
const name = new URLSearchParams(window.location.search).get("name");
const templatePath = (suffix = "") => `/admin/email-templates/${encodeURIComponent(name)}${suffix}`;
const templateUrl = (templateName) => `/staff/email-templates?name=${encodeURIComponent(templateName)}`;

function row(template) {
  const link = document.createElement("a");
  link.href = templateUrl(template.name);
  link.textContent = template.name;
  if (template.name === name) link.setAttribute("aria-current", "page");
  const tr = document.createElement("tr");
  tr.append(cell(link), cell(template.subject), cell(template.updated_at ? when(template.updated_at) : "Built in"));
  return tr;
}

const templates = pagedTable({
  path: (cursor) => withQuery("/admin/email-templates", { cursor }),
  row,
  rows: $("#template-rows"),
  more: $("#more-templates"),
  count: $("#templates-count"),
  noun: "template",
  alert,
});

const typed = () => ({ subject: $("#subject").value, html: $("#html").value, text: $("#text").value });

/** An email's HTML as a document of its own that may show images and nothing else. */
function framed(html) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}">`;
  return `<!doctype html><html><head>${meta}<meta charset="utf-8"></head><body>${html}</body></html>`;
}

$("#preview").addEventListener("click", () =>
  busy($("#preview"), async () => {
    const result = await attempt(alert, form, () => staffApi(templatePath("/preview"), { method: "POST", body: typed() }));
    if (!result) return;
    $("#preview-subject").textContent = result.data.subject;
    $("#preview-html").srcdoc = framed(result.data.html);
    $("#preview-text").textContent = result.data.text;
    $("#preview-pane").hidden = false;
  }),
);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await busy($("#save-template"), async () => {
    const result = await attempt(alert, form, () => staffApi(templatePath(), { method: "PUT", body: typed() }));
    if (!result) return;
    await templates.load();
    say(alert, `Template “${name}” saved.`, "ok");
  });
});

async function start() {
  await signedIn();
  await templates.load();
  if (!name) return;
  const result = await attempt(alert, null, () => staffApi(templatePath()));
  if (!result) return;
  $("#template-heading").textContent = result.data.name;
  for (const part of ["subject", "html", "text"]) $(`#${part}`).value = result.data[part];
  $("#editor").hidden = false;
  const editable = controlsOf(form).filter((control) => control.id !== "preview");
  offerIf("email-templates.edit", $("#save-reason"), ...editable);
}

start().finally(interactive);
