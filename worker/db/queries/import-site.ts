/**
 * The restore of an export into an empty site, as SQL text for `wrangler d1 execute --file` (the
 * owner's `npm run site -- import`; wrangler binds no parameters, so values are literals). The
 * file runs as one transaction — locally one D1 batch, remotely D1's import, which rolls the
 * database back if any statement fails — and its first statement aborts it unless the site is
 * still empty, at the version read and no run was created meanwhile.
 */
import type { ExportRows, ExportTable } from "../../schemas/site-export";
import {
  EXPORT_TABLE_NAMES,
  EXPORT_TABLES,
  mapHeadRuns,
  RUN_COLUMNS,
} from "../../schemas/site-export";
import { SqlLiteralError, sqlString, sqlValue } from "../sql-literal";

/** Tables whose rows make a site "not empty" (runs without data do not count). */
const DATA_TABLES = [
  "months",
  "days",
  "hours",
  "panel_heads",
  "day_buckets",
  "month_buckets",
  "chunks",
  "watched_hits",
] as const;

const anyRow = (siteId: string) =>
  DATA_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE site_id = ${siteId})`).join(" OR ");

/** D1 refuses a statement over 100 KB: the rows of a table go in statements of at most this. */
export const MAX_STATEMENT_BYTES = 90_000;

export interface ImportTarget {
  id: number;
  /** The site's version when read; the import bumps it (page caches and ETags move on). */
  version: number;
  /** The largest run id of the whole database: imported runs take the ids above it. */
  maxRunId: number;
}

/** The site's id, whether it holds statistics, the largest run id in use, and its version. */
export function importStateSql(name: string): string {
  return `SELECT id, (${anyRow("sites.id")}) AS hasData, (SELECT COALESCE(MAX(id), 0) FROM runs) AS maxRunId, version FROM sites WHERE name = ${sqlString(name)}`;
}

/**
 * Every statement of the import, in order. `rows` hold the export's run ordinals (1..n); they are
 * renumbered maxRunId + ordinal here.
 */
export function importSiteSql(site: ImportTarget, rows: ExportRows, config: string): string[] {
  const id = sqlValue(site.id);
  const out = [
    // NULL into the NOT NULL guard.ok aborts the whole transaction.
    `INSERT INTO guard (ok) VALUES ((SELECT CASE WHEN version = ${sqlValue(site.version)} AND NOT (${anyRow(id)}) AND (SELECT COALESCE(MAX(id), 0) FROM runs) = ${sqlValue(site.maxRunId)} THEN 1 END FROM sites WHERE id = ${id}))`,
    `UPDATE sites SET version = version + 1, config = ${sqlString(config)} WHERE id = ${id}`,
  ];
  for (const t of EXPORT_TABLE_NAMES) {
    const renumbered = renumberRuns(t, rows[t], site.maxRunId);
    for (const json of slices(t, renumbered)) out.push(insertRows(id, t, json));
  }
  // The site's clock, first day and last update follow from what was imported.
  out.push(
    `UPDATE sites SET clock = (SELECT MAX(date) FROM days WHERE site_id = ${id}), first_date = (SELECT MIN(date) FROM days WHERE site_id = ${id}), last_update = (SELECT MAX(applied_at) FROM chunks WHERE site_id = ${id}) WHERE id = ${id}`,
  );
  out.push("DELETE FROM guard");
  return out;
}

function renumberRuns(t: ExportTable, rows: unknown[][], maxRunId: number): unknown[][] {
  // Run 0 is "no run": it stays 0.
  const renumber = (v: number) => (v > 0 ? v + maxRunId : v);
  if (t === "panel_heads") return rows.map((r) => mapHeadRuns(r, renumber));
  const cols = EXPORT_TABLES[t] as readonly string[];
  const at = t === "runs" ? 0 : RUN_COLUMNS[t] ? cols.indexOf(RUN_COLUMNS[t]) : -1;
  if (at < 0) return rows;
  return rows.map((r) => r.map((v, i) => (i === at && typeof v === "number" ? renumber(v) : v)));
}

/** Rows as JSON arrays whose statement stays under MAX_STATEMENT_BYTES (quotes doubled, UTF-8). */
function slices(t: ExportTable, rows: unknown[][]): string[] {
  const enc = new TextEncoder();
  const budget = MAX_STATEMENT_BYTES - 1000;
  const out: string[] = [];
  let parts: string[] = [];
  let size = 2;
  rows.forEach((r, n) => {
    const j = JSON.stringify(r);
    const cost = enc.encode(j).length + (j.match(/'/g)?.length ?? 0) + 1;
    if (cost > budget)
      throw new SqlLiteralError(
        `tables.${t}.rows[${n}] is too large for one D1 statement (${cost} bytes)`,
      );
    if (parts.length > 0 && size + cost > budget) {
      out.push(`[${parts.join(",")}]`);
      parts = [];
      size = 2;
    }
    parts.push(j);
    size += cost;
  });
  if (parts.length > 0) out.push(`[${parts.join(",")}]`);
  return out;
}

function insertRows(siteId: string, t: ExportTable, json: string): string {
  const cols = EXPORT_TABLES[t];
  const values = cols.map((_, i) => `j.value ->> ${i}`).join(", ");
  const names = cols.map((c) => `"${c}"`).join(", ");
  return `INSERT INTO ${t} (site_id, ${names}) SELECT ${siteId}, ${values} FROM json_each(${sqlString(json)}) AS j`;
}
