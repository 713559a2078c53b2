// The console's screens, in the order the top bar lists them, and the staff audience (the staff
// pool's /staff/config.json, /staff/login, /staff/ as home). A new screen adds its entry here and
// its page under web/staff/. Evaluated before the top bar is drawn (console.js imports it first).
import { useAudience } from "/common/js/api.js";

export const SCREENS = [{ href: "/staff/", label: "Accounts" }];

useAudience({ config: "/staff/config.json", signIn: "/staff/login", home: "/staff/", nav: SCREENS });
