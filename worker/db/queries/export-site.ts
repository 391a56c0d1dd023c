import type { ExportRows, ExportTable } from "../../schemas/site-export";
import { EXPORT_TABLE_NAMES, EXPORT_TABLES } from "../../schemas/site-export";

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
  rejected_samples: "month, at, run_id, source, line, reason, text",
  host_names: "address",
};

const quote = (c: string) => `"${c}"`;

/**
 * Every row of the site's statistics, as arrays in EXPORT_TABLES column order: one batch of one
 * statement per table. Run ids are still the database's here; the caller renumbers them.
 */
export async function exportSite(db: D1Database, siteId: number): Promise<ExportRows> {
  const statements = EXPORT_TABLE_NAMES.map((t) => {
    const cols = EXPORT_TABLES[t].map((c) => `x.${quote(c)}`).join(", ");
    const order = ORDER[t]
      .split(", ")
      .map((c) => `x.${quote(c)}`)
      .join(", ");
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
