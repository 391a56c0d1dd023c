import type { PanelPageJson } from "./reports-model";

/**
 * A cell as RFC 4180 text. Keys come from strangers: a text cell that a spreadsheet would read as
 * a formula (=, +, -, @, tab, CR first) gets a leading apostrophe (OWASP's CSV-injection advice).
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  let s = v;
  if (/^[=+\-@\t\r]/.test(s) && s !== "-") s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A panel page as CSV: key, hits, pages, bytes, max, and what the last run changed. */
export function panelCsv(p: PanelPageJson): string {
  const hosts = p.id === "feed-hosts";
  const head = [
    "key",
    "hits",
    "pages",
    "bytes",
    "max",
    "new",
    "delta",
    ...(hosts ? ["host_name"] : []),
  ];
  const lines = [head.join(",")];
  for (const r of p.rows) {
    const cells = [
      csvCell(r.key),
      r.hits,
      r.pages,
      r.bytes,
      r.max,
      r.change ? (r.change.new ? 1 : 0) : "",
      r.change ? r.change.delta : "",
    ];
    if (hosts) cells.push(csvCell(r.hostName ?? null));
    lines.push(cells.join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
