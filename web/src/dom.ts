/** DOM look-up shared by the page's modules. */

/** The element with this id; a missing element is a bug in index.html, reported by name. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page has no #${id}`);
  return el as T;
}
