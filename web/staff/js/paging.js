// A table the API gives a page at a time ({items, next_cursor}): the first page, then "More" for
// the next, a count in a status line, failures explained in the screen's alert.
import { staffApi } from "./console.js";
import { attempt } from "./outcome.js";

/**
 * `path(cursor)` is the route for a page; `row(item)` a <tr>; `rows` the <tbody>; `more` the
 * "More" button; `count` a role=status element; `noun` what an item is ("request", "login").
 * load() shows the first page again; the button loads the next.
 */
export function pagedTable({ path, row, rows, more, count, noun, alert }) {
  let cursor = null;
  let shown = 0;

  async function page(next) {
    const result = await attempt(alert, null, () => staffApi(path(next ? cursor : null)));
    if (!result) return false;
    const items = result.data.items.map(row);
    if (next) rows.append(...items);
    else rows.replaceChildren(...items);
    shown = (next ? shown : 0) + items.length;
    cursor = result.data.next_cursor || null;
    more.hidden = !cursor;
    count.textContent = shown ? `${shown} ${noun}${shown === 1 ? "" : "s"}${cursor ? " so far" : ""}.` : `No ${noun}s.`;
    return true;
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      await page(true);
    } finally {
      more.disabled = false;
    }
  });
  return { load: () => page(false) };
}

/**
 * Every item of a paged route, a page at a time, up to `maxPages` pages: `fetchPage(cursor)`
 * resolves to a page's result ({data: {items, next_cursor}}), or to null when it failed, which
 * stops there with the items so far.
 */
export async function allPages(fetchPage, maxPages) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetchPage(cursor);
    if (!result) break;
    items.push(...result.data.items);
    cursor = result.data.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/** A path with its query, leaving out empty values. */
export function withQuery(path, query) {
  const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== null && value !== undefined && value !== ""));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
