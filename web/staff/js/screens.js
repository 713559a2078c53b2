// The console's screens, in the order the top bar lists them, and the staff audience (the staff
// pool's /staff/config.json, /staff/login, /staff/ as home). A new screen adds its entry here and
// its page under web/staff/. Evaluated before the top bar is drawn (console.js imports it first).
import { useAudience } from "/common/js/api.js";

export const SCREENS = [
  { href: "/staff/", label: "Accounts" },
  { href: "/staff/account-classes", label: "Account classes" },
  { href: "/staff/system-options", label: "System options" },
  { href: "/staff/email-templates", label: "Email templates" },
  { href: "/staff/requests", label: "Requests" },
  { href: "/staff/bulk-invite", label: "Bulk invite" },
  { href: "/staff/access-review", label: "Access review" },
];

// Screens opened on one thing, by URL (a page links to them with these, never by building the
// address itself): the account class's Update Account Class (/staff/account-classes?class_id=COMM)
// and an account's Access review (/staff/access-review?account_id=49418).
export const accountClassUrl = (classId) => `/staff/account-classes?class_id=${encodeURIComponent(classId)}`;
export const accessReviewUrl = (accountId) => `/staff/access-review?account_id=${encodeURIComponent(accountId)}`;

useAudience({ name: "staff", config: "/staff/config.json", signIn: "/staff/login", home: "/staff/", nav: SCREENS });
