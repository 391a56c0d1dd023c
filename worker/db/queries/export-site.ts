/**
 * The tables a site's statistics live in, with the columns an export carries (site_id left out,
 * run ids carried as the site's own run ordinals). Shared by the export and the import so that
 * one cannot drift from the other.
 */
export const EXPORT_TABLES = {
  runs: ["id", "started_at", "ended_at", "chunks", "lines", "rejected", "analysis_ms"],
  chunks: ["source", "start", "end", "sha256", "run_id", "lines", "rejected", "applied_at"],
  months: [
    "month",
    "hits",
    "pages",
    "bytes",
    "visits",
    "visitors",
    "robot_hits",
    "rejected",
    "lines",
    "analysis_ms",
    "last_run_id",
    "version",
    "sealed",
    "late_lines",
  ],
  days: ["date", "hits", "pages", "bytes", "visits", "visitors", "robot_hits"],
  hours: ["month", "hour", "hits", "pages", "bytes", "robot_hits", "visitors", "visits"],
  panel_heads: [
    "period",
    "panel",
    "rows",
    "n",
    "hits",
    "pages",
    "bytes",
    "tail_hits",
    "tail_pages",
    "tail_key",
  ],
  panel_tails: [
    "period",
    "panel",
    "key",
    "hits",
    "pages",
    "bytes",
    "max",
    "changed_run",
    "hits_before",
  ],
  day_buckets: ["date", "bucket", "records"],
  month_buckets: ["month", "bucket", "entries"],
  sketches: ["month", "registers"],
  year_figures: ["year", "visitors", "base_visitors", "days"],
  watched_hits: ["month", "at", "address", "agent", "method", "url", "status", "bytes", "referer"],
  rejected_samples: ["run_id", "source", "line", "reason", "text"],
  host_names: ["address", "name", "resolved_at"],
} as const;

export type ExportTable = keyof typeof EXPORT_TABLES;
export const EXPORT_TABLE_NAMES = Object.keys(EXPORT_TABLES) as ExportTable[];

/** Columns holding a run id (renumbered on export and import). */
export const RUN_COLUMNS: Partial<Record<ExportTable, string>> = {
  chunks: "run_id",
  months: "last_run_id",
  panel_tails: "changed_run",
  rejected_samples: "run_id",
};

/** A deterministic order per table, so two exports of the same statistics are equal. */
const ORDER: Record<ExportTable, string> = {
  runs: "id",
  chunks: "source, start",
  months: "month",
  days: "date",
  hours: "month, hour",
  panel_heads: "period, panel",
  panel_tails: "period, panel, key",
  day_buckets: "date, bucket",
  month_buckets: "month, bucket",
  sketches: "month",
  year_figures: "year",
  watched_hits: "month, at, address, agent, url, method, status, bytes, referer",
  rejected_samples: "run_id, source, line, reason, text",
  host_names: "address",
};

const quote = (c: string) => `"${c}"`;

export type ExportRows = Record<ExportTable, unknown[][]>;

/**
 * Every row of the site's statistics, as arrays in EXPORT_TABLES column order: one batch of one
 * statement per table (11). Run ids are still the database's here; the caller renumbers them.
 * Rejected samples are read through the site's runs (the samples of run 0, shared by every site,
 * are not the site's to export).
 */
export async function exportSite(db: D1Database, siteId: number): Promise<ExportRows> {
  const statements = EXPORT_TABLE_NAMES.map((t) => {
    const cols = EXPORT_TABLES[t].map((c) => `x.${quote(c)}`).join(", ");
    const order = ORDER[t]
      .split(", ")
      .map((c) => `x.${quote(c)}`)
      .join(", ");
    if (t === "rejected_samples") {
      return db
        .prepare(
          `SELECT ${cols} FROM rejected_samples AS x JOIN runs AS r ON r.id = x.run_id AND r.site_id = ?1 ORDER BY ${order}`,
        )
        .bind(siteId);
    }
    return db
      .prepare(`SELECT ${cols} FROM ${t} AS x WHERE x.site_id = ?1 ORDER BY ${order}`)
      .bind(siteId);
  });
  const results = await db.batch(statements);
  const out = {} as ExportRows;
  EXPORT_TABLE_NAMES.forEach((t, i) => {
    out[t] = (results[i].results as Record<string, unknown>[]).map((r) =>
      EXPORT_TABLES[t].map((c) => r[c]),
    );
  });
  return out;
}
