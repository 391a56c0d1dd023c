/**
 * The panel registry: one row per panel the reports show, saying what keys a hit and who is
 * counted. Every panel row has the same shape — key, hits, pages, bytes, max — so storage,
 * merging, JSON and HTML treat all panels alike. Additive panels are summed per line; derived ones
 * (pages, entry and exit pages, visit durations) from visitor-days (see visitor-day.ts), so that a
 * visitor found to be a robot by its behaviour leaves them. A `hidden` panel is counted and stored
 * like the others but never listed: the reports read it for something else (vhost-days: a
 * virtual host's days, for the month filtered by virtual host).
 */
export const PANELS = [
  { id: "pages", title: "Pages", key: "path of a page view", who: "humans", derived: true },
  { id: "entry", title: "Entry pages", key: "first page of a visit", who: "humans", derived: true },
  { id: "exit", title: "Exit pages", key: "last page of a visit", who: "humans", derived: true },
  {
    id: "visit-durations",
    title: "Visit durations",
    key: "time from a visit's first hit to its last",
    who: "humans",
    derived: true,
  },
  {
    id: "weekdays",
    title: "Days of the week",
    key: "weekday, 1 = Monday: the averages of its days with data (max = how many)",
    who: "humans",
    derived: true,
  },
  {
    id: "vhosts",
    title: "Virtual hosts",
    key: "virtual host, lowercased, without its port (pages: page views but robots' by user agent)",
    who: "all",
  },
  {
    id: "vhost-days",
    title: "Virtual hosts by day",
    key: "`HOST YYYY-MM-DD`: a virtual host's day (pages as in vhosts)",
    who: "all",
    hidden: true,
  },
  {
    id: "origins",
    title: "Origins",
    key: "direct, search engine, other site, internal link",
    who: "humans",
  },
  {
    id: "referers",
    title: "Referring pages",
    key: "referer URL without its query, other sites",
    who: "humans",
  },
  {
    id: "referring-sites",
    title: "Referring sites",
    key: "referer host, other sites",
    who: "humans",
  },
  {
    id: "search-engines",
    title: "Search engines",
    key: "engine of a search referer",
    who: "humans",
  },
  { id: "keywords", title: "Search keywords", key: "search terms, lowercased", who: "humans" },
  {
    id: "image-search",
    title: "Found by image search",
    key: "path requested from an image search (pages = page views)",
    who: "humans",
  },
  { id: "browsers", title: "Browsers", key: "browser family", who: "humans" },
  {
    id: "browser-versions",
    title: "Browser versions",
    key: "family and major version",
    who: "humans",
  },
  { id: "os", title: "Operating systems", key: "OS family", who: "humans" },
  { id: "devices", title: "Devices", key: "desktop, mobile, tablet, other", who: "humans" },
  {
    id: "countries",
    title: "Countries",
    key: "ISO country code of the client address",
    who: "humans",
  },
  {
    id: "hosts",
    title: "Hosts",
    key: "client address, kept as the site's privacy says",
    who: "humans",
  },
  { id: "ip-versions", title: "IP versions", key: "IPv4, IPv6 or a host name", who: "humans" },
  { id: "downloads", title: "Downloads", key: "path of a 2xx download", who: "humans" },
  {
    id: "feeds",
    title: "Feed readers",
    key: "reader name, or its user agent; max = subscribers",
    who: "all",
  },
  {
    id: "feed-hosts",
    title: "Feed reader hosts",
    key: "client address of a feed request (shown by its reverse-DNS name)",
    who: "all",
  },
  { id: "robots", title: "Robots", key: "crawler name from the user agent", who: "robots" },
  { id: "status", title: "Status codes", key: "HTTP status", who: "all" },
  { id: "not-found", title: "Not found (404)", key: "path", who: "all" },
] as const;

/** Every panel the analysis counts and the worker stores. */
export type PanelId = (typeof PANELS)[number]["id"];
type HiddenPanel = Extract<(typeof PANELS)[number], { hidden: true }>;
/** The panels the reports list (JSON, HTML, CSV). */
export type ShownPanelId = Exclude<PanelId, HiddenPanel["id"]>;
export const SHOWN_PANELS = PANELS.filter(
  (p): p is Exclude<(typeof PANELS)[number], HiddenPanel> => !("hidden" in p),
);
export const PANEL_IDS: ShownPanelId[] = SHOWN_PANELS.map((p) => p.id);
export const ADDITIVE_PANELS: PanelId[] = PANELS.filter((p) => !("derived" in p)).map((p) => p.id);

/** [hits, pages, bytes, max] */
export type Row = [number, number, number, number];

export interface PanelRow {
  key: string;
  hits: number;
  pages: number;
  bytes: number;
  max: number;
}

export function rowsOf(panel: Record<string, Row>): PanelRow[] {
  const rows: PanelRow[] = [];
  for (const key in panel) {
    const r = panel[key];
    rows.push({ key, hits: r[0], pages: r[1], bytes: r[2], max: r[3] });
  }
  return rows.sort(
    (a, b) => b.hits - a.hits || b.pages - a.pages || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
