import type { ExportRows, ExportTable } from "./export-site";
import { EXPORT_TABLE_NAMES, EXPORT_TABLES } from "./export-site";
import { jsonSlices } from "../json-slices";
import { bumpSiteVersion, clearGuard } from "./site-version-guard";

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

const anyRowSql = DATA_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE site_id = ?1)`).join(
  " OR ",
);

/** Whether the site holds any statistics, and the largest run id in use (imported runs go above it). */
export function siteImportState(db: D1Database, siteId: number): D1PreparedStatement {
  return db
    .prepare(`SELECT (${anyRowSql}) AS hasData, (SELECT COALESCE(MAX(id), 0) FROM runs) AS maxRunId, version
    FROM sites WHERE id = ?1`)
    .bind(siteId);
}

/**
 * The import's writes, in one batch (a transaction). The first statement aborts the whole batch
 * (a NULL into guard.ok) unless the site is still empty, still at the version read, and no run was
 * created meanwhile, so imported run ids (maxRunId + ordinal, already mapped in `rows`) are free.
 */
export function importSiteStatements(
  db: D1Database,
  siteId: number,
  expect: { version: number; maxRunId: number },
  rows: ExportRows,
  config: string,
): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [
    db
      .prepare(`INSERT INTO guard (ok) SELECT CASE WHEN version = ?2 AND NOT (${anyRowSql})
        AND (SELECT COALESCE(MAX(id), 0) FROM runs) = ?3 THEN 1 ELSE NULL END FROM sites WHERE id = ?1`)
      .bind(siteId, expect.version, expect.maxRunId),
    bumpSiteVersion(db, siteId),
    db.prepare("UPDATE sites SET config = ?2 WHERE id = ?1").bind(siteId, config),
  ];
  for (const t of EXPORT_TABLE_NAMES) {
    if (rows[t].length === 0) continue;
    out.push(...jsonSlices(rows[t]).map((json) => insertRows(db, siteId, t, json)));
  }
  // The site's clock, first day and last update follow from what was imported.
  out.push(
    db
      .prepare(`UPDATE sites SET clock = (SELECT MAX(date) FROM days WHERE site_id = ?1),
        first_date = (SELECT MIN(date) FROM days WHERE site_id = ?1),
        last_update = (SELECT MAX(applied_at) FROM chunks WHERE site_id = ?1) WHERE id = ?1`)
      .bind(siteId),
  );
  out.push(clearGuard(db));
  return out;
}

function insertRows(
  db: D1Database,
  siteId: number,
  t: ExportTable,
  json: string,
): D1PreparedStatement {
  const cols = EXPORT_TABLES[t];
  const values = cols.map((_, i) => `j.value ->> ${i}`).join(", ");
  const names = cols.map((c) => `"${c}"`).join(", ");
  if (t === "rejected_samples") {
    return db
      .prepare(`INSERT INTO rejected_samples (${names}) SELECT ${values} FROM json_each(?1) AS j`)
      .bind(json);
  }
  return db
    .prepare(`INSERT INTO ${t} (site_id, ${names}) SELECT ?1, ${values} FROM json_each(?2) AS j`)
    .bind(siteId, json);
}
