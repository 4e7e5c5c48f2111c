/**
 * The app's pages, in navigation order, and how they map to the URL hash.
 *
 * Hash routes (`#/miners`) work the same from the Electron `app://` origin, from `file://` and from the
 * headless host, and never send the route to a server.
 */
export const PAGES = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'miners', label: 'Miners' },
  { id: 'discovery', label: 'Discovery' },
  { id: 'recommendations', label: 'Recommendations' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export const DEFAULT_PAGE: PageId = 'dashboard';

/** The page a location hash names (`#/miners`, `#miners`), or the default page. */
export function pageFromHash(hash: string): PageId {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return PAGES.find((p) => p.id === name)?.id ?? DEFAULT_PAGE;
}

/** The hash for a page. */
export function hashForPage(page: PageId): string {
  return `#/${page}`;
}
