/**
 * The owner's backup: a whole site's statistics as one JSON document (worker/schemas/site-export.ts
 * says what it holds). Run ids are global in D1, so an export numbers the site's runs 1..n (0 stays
 * "no run"); everything else is copied as stored, which is what lets the agent keep uploading to a
 * restored site exactly once (chunk receipts, visitor-days). The restore is the owner's
 * `npm run site -- import`, through wrangler with the owner's Cloudflare credentials: no token the
 * worker knows can rewrite a site.
 */
import type { UserConfig } from "../core/config";
import { exportSite } from "../db/queries/export-site";
import type { Site } from "../db/queries/find-site";
import type { SiteExport } from "../schemas/site-export";
import {
  EXPORT_FORMAT,
  EXPORT_TABLE_NAMES,
  EXPORT_TABLES,
  EXPORT_VERSION,
  mapHeadRuns,
  RUN_COLUMNS,
} from "../schemas/site-export";

export async function buildExport(db: D1Database, site: Site): Promise<SiteExport> {
  const rows = await exportSite(db, site.id);
  const ordinal = new Map<number, number>();
  rows.runs.forEach((r, i) => {
    ordinal.set(r[0] as number, i + 1);
    r[0] = i + 1;
  });
  for (const t of EXPORT_TABLE_NAMES) {
    const col = RUN_COLUMNS[t];
    if (!col) continue;
    const i = (EXPORT_TABLES[t] as readonly string[]).indexOf(col);
    for (const r of rows[t]) if (typeof r[i] === "number") r[i] = ordinal.get(r[i] as number) ?? 0;
  }
  rows.panel_heads = rows.panel_heads.map((r) => mapHeadRuns(r, (id) => ordinal.get(id) ?? 0));
  const tables = {} as SiteExport["tables"];
  for (const t of EXPORT_TABLE_NAMES) tables[t] = { columns: [...EXPORT_TABLES[t]], rows: rows[t] };
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    site: site.name,
    exportedAt: new Date().toISOString(),
    config: JSON.parse(site.config) as UserConfig,
    tables,
  };
}
