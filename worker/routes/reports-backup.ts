/**
 * The owner's backup: a whole site's statistics as one JSON document, and its restore into an
 * empty site. Run ids are global in D1, so an export numbers the site's runs 1..n (0 stays "no
 * run") and an import gives them fresh ids; everything else is copied as stored, which is what
 * lets the agent keep uploading to the restored site exactly once (chunk receipts, visitor-days).
 */
import type { UserConfig } from "../core/config";
import { resolveConfig } from "../core/config";
import type { ExportRows, ExportTable } from "../db/queries/export-site";
import {
  EXPORT_TABLE_NAMES,
  EXPORT_TABLES,
  exportSite,
  RUN_COLUMNS,
} from "../db/queries/export-site";
import type { Site } from "../db/queries/find-site";
import { importSiteStatements, siteImportState } from "../db/queries/import-site";
import { isGuardFailure } from "../db/queries/site-version-guard";
import { ApiError } from "../errors";
import { decodeHeadRows, encodeHeadRows } from "../ingest/panel-head";

export const EXPORT_FORMAT = "vigie-export";
/** 2: periods that close (panel heads and tails, visitor buckets, sketches); 1 is refused. */
export const EXPORT_VERSION = 2;

export interface SiteExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  site: string;
  exportedAt: string;
  config: UserConfig;
  tables: Record<ExportTable, { columns: string[]; rows: unknown[][] }>;
}

function mapRunColumns(rows: ExportRows, map: (id: number) => number): void {
  for (const t of EXPORT_TABLE_NAMES) {
    const col = RUN_COLUMNS[t];
    if (!col) continue;
    const i = (EXPORT_TABLES[t] as readonly string[]).indexOf(col);
    for (const r of rows[t]) if (typeof r[i] === "number") r[i] = map(r[i] as number);
  }
  // A head's rows carry their run inside their JSON (see encodeHeadRows).
  const at = (EXPORT_TABLES.panel_heads as readonly string[]).indexOf("rows");
  for (const r of rows.panel_heads) {
    if (typeof r[at] !== "string") continue;
    const head = decodeHeadRows(r[at] as string);
    for (const row of head) if (row.changedRun !== null) row.changedRun = map(row.changedRun);
    r[at] = encodeHeadRows(head);
  }
}

export async function buildExport(db: D1Database, site: Site): Promise<SiteExport> {
  const rows = await exportSite(db, site.id);
  const ordinal = new Map<number, number>();
  rows.runs.forEach((r, i) => {
    ordinal.set(r[0] as number, i + 1);
    r[0] = i + 1;
  });
  mapRunColumns(rows, (id) => ordinal.get(id) ?? 0);
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

const isCell = (v: unknown) =>
  v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

/** Checks an export's shape; every problem at once, as one bad_request. */
function checkExport(body: unknown): { rows: ExportRows; config: UserConfig } {
  const errors: string[] = [];
  const b = body as Partial<SiteExport> | null;
  if (typeof b !== "object" || b === null || Array.isArray(b))
    throw new ApiError("bad_request", "the body must be a Vigie export (a JSON object)");
  if (b.format !== EXPORT_FORMAT) errors.push(`format must be "${EXPORT_FORMAT}"`);
  if (b.version !== EXPORT_VERSION) errors.push(`version must be ${EXPORT_VERSION}`);
  if (typeof b.config !== "object" || b.config === null || Array.isArray(b.config))
    errors.push("config must be an object");
  const rows = {} as ExportRows;
  const tables = (typeof b.tables === "object" && b.tables !== null ? b.tables : {}) as Partial<
    SiteExport["tables"]
  >;
  for (const t of EXPORT_TABLE_NAMES) {
    const cols = EXPORT_TABLES[t];
    const tab = tables[t];
    if (!tab || !Array.isArray(tab.columns) || !Array.isArray(tab.rows)) {
      errors.push(`tables.${t}: missing`);
      continue;
    }
    if (tab.columns.join(",") !== cols.join(",")) {
      errors.push(`tables.${t}.columns must be ${cols.join(",")}`);
      continue;
    }
    const bad = tab.rows.findIndex(
      (r) => !Array.isArray(r) || r.length !== cols.length || !r.every(isCell),
    );
    if (bad >= 0) {
      errors.push(`tables.${t}.rows[${bad}] must be ${cols.length} strings, numbers or nulls`);
      continue;
    }
    rows[t] = tab.rows;
  }
  if (errors.length === 0) {
    const ids = rows.runs.map((r) => r[0]);
    if (!ids.every((id, i) => id === i + 1)) errors.push("tables.runs ids must be 1..n in order");
    for (const t of EXPORT_TABLE_NAMES) {
      const col = RUN_COLUMNS[t];
      if (!col) continue;
      const i = (EXPORT_TABLES[t] as readonly string[]).indexOf(col);
      const bad = rows[t].findIndex(
        (r) =>
          r[i] !== null &&
          !(Number.isInteger(r[i]) && (r[i] as number) >= 0 && (r[i] as number) <= ids.length),
      );
      if (bad >= 0) errors.push(`tables.${t}.rows[${bad}].${col} names no exported run`);
    }
  }
  if (errors.length) throw new ApiError("bad_request", `not a Vigie export: ${errors.join("; ")}`);
  return { rows, config: b.config as UserConfig };
}

export interface ImportOutcome {
  status: "imported";
  rows: Record<ExportTable, number>;
  statements: number;
}

/** Restores an export into the site, which must hold no statistics yet (409 otherwise). */
export async function importExport(
  db: D1Database,
  site: Site,
  body: unknown,
): Promise<ImportOutcome> {
  const { rows, config } = checkExport(body);
  const resolved = resolveConfig(config);
  if (!resolved.ok)
    throw new ApiError(
      "unprocessable",
      `the export's configuration: ${resolved.errors.join("; ")}`,
    );
  const counts = Object.fromEntries(EXPORT_TABLE_NAMES.map((t) => [t, rows[t].length])) as Record<
    ExportTable,
    number
  >;
  for (let attempt = 0; attempt < 3; attempt++) {
    const state = await siteImportState(db, site.id).first<{
      hasData: number;
      maxRunId: number;
      version: number;
    }>();
    if (!state) throw new ApiError("not_found", `no site named "${site.name}"`);
    if (state.hasData)
      throw new ApiError(
        "conflict",
        `site "${site.name}" already holds statistics: an export is restored into an empty site only`,
      );
    const fresh = structuredClone(rows);
    mapRunColumns(fresh, (ord) => (ord === 0 ? 0 : state.maxRunId + ord));
    fresh.runs.forEach((r, i) => {
      r[0] = state.maxRunId + i + 1;
    });
    const statements = importSiteStatements(
      db,
      site.id,
      { version: state.version, maxRunId: state.maxRunId },
      fresh,
      JSON.stringify(config),
    );
    try {
      await db.batch(statements);
      return { status: "imported", rows: counts, statements: statements.length };
    } catch (e) {
      // The site changed (a chunk or a run landed) between the read and the batch: decide again.
      if (isGuardFailure(e)) continue;
      if (/constraint failed/i.test(String(e)))
        throw new ApiError(
          "bad_request",
          `the export's rows do not fit the tables: ${String((e as Error).message ?? e)}`,
        );
      throw e;
    }
  }
  throw new ApiError("conflict", `site "${site.name}" kept changing during the import; try again`);
}
