// Small DOM builders the console's pages share: table cells, status badges, yes/no, dates.

/** A <td> holding text or an element. */
export function cell(content) {
  const td = document.createElement("td");
  td.append(content ?? "");
  return td;
}

export function statusBadge(status) {
  const badge = document.createElement("span");
  badge.className = `badge ${status}`;
  badge.textContent = String(status || "").replaceAll("_", " ");
  return badge;
}

export const yesNo = (value) => (value ? "Yes" : "No");

/** An ISO timestamp as the reader's local date and time. */
export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso || "") : date.toLocaleString();
}
