// /: the signed-in page. SELECT ACCOUNT (n of N), SELECT SERVICE LOCATION (n of M), the chosen
// site and the account's capabilities, from GET /portal/me; Sign out everywhere.
import { api } from "/common/js/api.js";
import { $, interactive, say } from "/common/js/forms.js";
import "/common/js/chrome.js";
import { accessToken, pageKey, signOut } from "/common/js/session.js";

const CHOICE_KEY = pageKey("choice"); // which account and site were picked (ids only, no token)
const VIEWS = { full: "Full", service_history_only: "Service history only" };
const STATUSES = { active: "Active", inactive: "Inactive" };
let accounts = [];

function address(a) {
  return [a.line1, [a.city, a.state].filter(Boolean).join(" "), a.postal_code].filter(Boolean).join(", ");
}

function option(value, text) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = text;
  return element;
}

function capabilities(account) {
  const c = account.capabilities;
  const items = [
    ["Reports and documents", c.report_access],
    ["Add service locations", c.add_sites],
    ["On-call orders", c.on_call_orders],
    ["Work order photos", c.work_order_photo_display],
    ["Work order attachments", c.work_order_attachment_display],
  ];
  const list = items.map(([label, on]) => {
    const item = document.createElement("li");
    item.textContent = `${label}: ${on ? "yes" : "no"}`;
    if (!on) item.className = "off";
    return item;
  });
  const access = document.createElement("li");
  access.textContent = account.access === "all_sites" ? "Access: all service locations" : "Access: selected service locations";
  return [access, ...list];
}

function remember() {
  sessionStorage.setItem(CHOICE_KEY, JSON.stringify({ account: $("#account").value, site: $("#site").value }));
}

function showSite() {
  const account = accounts[$("#account").selectedIndex];
  const site = account && account.sites[$("#site").selectedIndex];
  $("#site-details").hidden = !site;
  if (!site) return;
  $("#site-name").textContent = site.name;
  $("#site-id").textContent = site.site_id;
  $("#site-address").textContent = address(site.address);
  $("#site-status").textContent = STATUSES[site.status] || site.status;
  $("#site-status").className = `badge ${site.status}`;
  $("#site-view").textContent = VIEWS[site.view] || site.view;
  $("#site-view").className = `badge ${site.view}`;
  remember();
}

function showAccount(siteId) {
  const index = $("#account").selectedIndex;
  const account = accounts[index];
  $("#account-count").textContent = `${index + 1} of ${accounts.length}`;
  const sites = account.sites;
  $("#site").replaceChildren(...sites.map((s) => option(s.site_id, `${s.site_id} ${s.name}, ${address(s.address)}`)));
  const siteIndex = Math.max(0, sites.findIndex((s) => s.site_id === siteId));
  $("#site").selectedIndex = siteIndex;
  $("#site").disabled = sites.length === 0;
  const more = account.more_sites ? "+" : "";
  $("#site-count").textContent = sites.length ? `${siteIndex + 1} of ${sites.length}${more}` : "none";
  $("#capabilities").replaceChildren(...capabilities(account));
  $("#account-details").hidden = false;
  showSite();
}

async function load() {
  const token = await accessToken();
  if (!token) return window.location.replace("/login");
  const result = await api("/portal/me", { token });
  if (result.status === 401) {
    await signOut();
    return window.location.replace("/login");
  }
  if (result.status !== 200) return say(alert(), "Your accounts could not be loaded. Please reload the page.");
  const me = result.data;
  $("#who").textContent = me.email || me.username;
  accounts = me.accounts;
  if (!accounts.length) {
    $("#empty").hidden = false;
    return;
  }
  if (me.more_accounts) say(alert(), `This login has more accounts than the ${accounts.length} shown here.`, "info");
  const choice = JSON.parse(sessionStorage.getItem(CHOICE_KEY) || "{}");
  $("#account").replaceChildren(...accounts.map((a) => option(a.account_id, `${a.account_id} ${a.name}`)));
  $("#account").selectedIndex = Math.max(0, accounts.findIndex((a) => a.account_id === choice.account));
  $("#pickers").hidden = false;
  showAccount(choice.site);
}

const alert = () => $("#alert");

$("#account").addEventListener("change", () => showAccount());
$("#site").addEventListener("change", () => {
  $("#site-count").textContent = `${$("#site").selectedIndex + 1} of ${$("#site").options.length}`;
  showSite();
});

load()
  .catch(() => say(alert(), "The portal could not be reached. Check your connection and reload the page."))
  .finally(interactive);
