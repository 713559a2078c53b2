// The Portal User column: the invitation state the API knows (portal_status), or, from an API
// that does not say it yet, whether the contact has a login (portal_user).
const LABELS = {
  none: "No",
  invited: "Invited",
  delivered: "Invite delivered",
  undeliverable: "Undeliverable",
  expired: "Invite expired",
  active: "Yes (active login)",
  disabled: "Disabled",
};

export function portalStatus(contact) {
  return contact.portal_status || (contact.portal_user ? "active" : "none");
}

export function portalLabel(contact) {
  const status = portalStatus(contact);
  return LABELS[status] || status;
}

export function portalBadge(contact) {
  const badge = document.createElement("span");
  const status = portalStatus(contact);
  badge.className = `badge ${status}`;
  badge.textContent = LABELS[status] || status;
  return badge;
}
