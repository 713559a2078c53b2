// The signed-in pages' top bar, written once: <site-header brand="Customer Portal"></site-header>
// renders the brand, the audience's navigation (api.js's audience.nav: [{href, label}], the
// current page marked aria-current), who is signed in (#who, filled by the page) and Sign out,
// which signs out everywhere and goes to the audience's sign-in page.
import { audience } from "./api.js";
import { signOut } from "./session.js";

class SiteHeader extends HTMLElement {
  connectedCallback() {
    if (this.rendered) return;
    this.rendered = true;
    const header = document.createElement("header");
    header.className = "topbar";
    const brand = document.createElement("span");
    brand.className = "brand";
    brand.textContent = this.getAttribute("brand");
    header.append(brand);
    if (audience.nav.length) {
      const nav = document.createElement("nav");
      nav.setAttribute("aria-label", this.getAttribute("brand"));
      for (const { href, label } of audience.nav) {
        const link = document.createElement("a");
        link.href = href;
        link.textContent = label;
        if (href === window.location.pathname) link.setAttribute("aria-current", "page");
        nav.append(link);
      }
      header.append(nav);
    }
    const who = document.createElement("span");
    who.className = "who";
    who.id = "who";
    const button = document.createElement("button");
    button.type = "button";
    button.id = "sign-out";
    button.textContent = "Sign out";
    button.addEventListener("click", async () => {
      button.disabled = true;
      await signOut();
      window.location.replace(audience.signIn);
    });
    header.append(who, button);
    this.replaceChildren(header);
  }
}

if (!customElements.get("site-header")) customElements.define("site-header", SiteHeader);
