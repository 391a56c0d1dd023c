import { isLang } from "../i18n/languages";
import { translator } from "../i18n/translator";
import type { PanelPageJson } from "./reports-model";

/** What starts a formula in a spreadsheet (the full-width forms too: some spreadsheets read them). */
const TRIGGER = "=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20";
/** Where a spreadsheet may cut a cell: the separators of the CSV dialects it guesses, and lines. */
const SEPARATORS = ",;\\t\\r\\n";
const PIECE_START = new RegExp(`(^|[${SEPARATORS}])(?=[ ]*[${TRIGGER}])`, "g");
const QUOTE = new RegExp(`["${SEPARATORS}]`);

/**
 * A cell as RFC 4180 text. Keys come from strangers, and a spreadsheet that splits on `;` or tabs
 * cuts one cell into several, so the rule holds for every piece, not only the first:
 * - an apostrophe goes before each piece — the cell's start, and what follows any `,` `;` TAB CR
 *   or LF in it — that begins (after spaces) with `=` `+` `-` `@` (or their full-width forms), so
 *   no piece can start a formula (OWASP's CSV-injection advice, applied at every separator);
 * - a cell that begins with TAB or CR gets one too (a lone "-" stays as it is: a placeholder);
 * - a cell holding `"` or any of those separators is quoted, so that quote-aware importers keep it
 *   one cell whatever separator they use.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  let s = v === "-" ? v : v.replace(PIECE_START, "$1'");
  if (/^[\t\r]/.test(s)) s = `'${s}`;
  return QUOTE.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A panel page as CSV: key, hits, pages, bytes, max, and what the last run changed. The header is
 * English unless `lang` (the route's `?lang=`, which the pages' CSV links carry) names another
 * language: a script that asks for CSV gets the same columns whatever its Accept-Language.
 */
export function panelCsv(p: PanelPageJson, lang?: string): string {
  const t = translator(isLang(lang) ? lang : "en");
  const hosts = p.id === "feed-hosts";
  const head = [
    t("csv.key"),
    t("csv.hits"),
    t("csv.pages"),
    t("csv.bytes"),
    t("csv.max"),
    t("csv.new"),
    t("csv.delta"),
    ...(hosts ? [t("csv.hostName")] : []),
  ];
  const lines = [head.map(csvCell).join(",")];
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
