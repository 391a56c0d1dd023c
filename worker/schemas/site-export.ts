/**
 * The owner's backup format (`GET /api/v1/sites/NAME/export`, restored by `npm run site -- import`):
 * which tables and columns it carries, and the schema an export must pass before anything of it
 * is stored. Every cell is typed (a text counter or a month "not-a-month" used to make the site's
 * pages fail for good), keys are unique per table, run ids refer to exported runs. Pure (zod),
 * shared by the worker's export and the CLI's import.
 */
import { z } from "zod";
import type { UserConfig } from "../core/config";
import { hostsOfEntries, humanDaysOfEntries } from "../ingest/month-set";
import { checkSiteConfig } from "./site-config";

export const EXPORT_FORMAT = "vigie-export";
/** 2: periods that close (panel heads and tails, visitor buckets, sketches); 1 is refused. */
export const EXPORT_VERSION = 2;

/** The tables of a site's statistics and the columns an export carries (site_id left out). */
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
    "behaviour_hits",
    "behaviour_pages",
    "behaviour_ref_hits",
    "behaviour_search_hits",
    "behaviour_image_hits",
    "behaviour_download_hits",
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
  day_buckets: ["date", "bucket", "visitor_days"],
  month_buckets: ["month", "bucket", "human_days", "host_counts"],
  sketches: ["month", "registers"],
  year_figures: ["year", "visitors", "base_visitors", "days"],
  watched_hits: ["month", "at", "address", "agent", "method", "url", "status", "bytes", "referer"],
  rejected_samples: ["run_id", "source", "line", "reason", "text", "month", "at"],
  host_names: ["address", "name", "resolved_at"],
} as const;

export type ExportTable = keyof typeof EXPORT_TABLES;
export const EXPORT_TABLE_NAMES = Object.keys(EXPORT_TABLES) as ExportTable[];
export type ExportRows = Record<ExportTable, unknown[][]>;

/** Columns holding a run id (renumbered on export and import). */
export const RUN_COLUMNS: Partial<Record<ExportTable, string>> = {
  chunks: "run_id",
  months: "last_run_id",
  panel_tails: "changed_run",
  rejected_samples: "run_id",
};

/** A panel_heads row with the runs inside its rows' JSON mapped (see encodeHeadRows). */
export function mapHeadRuns(row: unknown[], map: (run: number) => number): unknown[] {
  const at = (EXPORT_TABLES.panel_heads as readonly string[]).indexOf("rows");
  if (typeof row[at] !== "string") return row;
  const head = JSON.parse(row[at] as string) as unknown[][];
  for (const r of head) if (typeof r[5] === "number") r[5] = map(r[5]);
  const out = [...row];
  out[at] = JSON.stringify(head);
  return out;
}

export interface SiteExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  site: string;
  exportedAt: string;
  config: UserConfig;
  tables: Record<ExportTable, { columns: string[]; rows: unknown[][] }>;
}

// ---- cells ----

const count = z.int().min(0);
const time = z.int().min(0);
const ms = z.number().min(0);
const runRef = z.int().min(0).nullable();
const text = (max: number) => z.string().max(max);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM");
const date = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "must be YYYY-MM-DD")
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "no such day");

/** A text cell holding JSON of the given shape (heads and day buckets keep their rows so). */
const jsonText = (shape: z.ZodType) =>
  z.string().refine((s) => {
    try {
      return shape.safeParse(JSON.parse(s)).success;
    } catch {
      return false;
    }
  }, "is not the stored JSON shape");
const period = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, "must be YYYY or YYYY-MM");
const panelId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "is not a panel id");
const headRows = jsonText(
  z.array(z.tuple([z.string().max(10_000), count, count, count, count, runRef, count])).max(1000),
);
/** A visitor-day's stored record (worker/ingest/day-records.ts). */
const dayRecord = z
  .array(z.unknown())
  .refine(
    (v) =>
      v.length === 18 && v.slice(0, 15).every((n) => Number.isInteger(n) && (n as number) >= 0),
    "is not a visitor-day record",
  );
const key11 = z.string().regex(/^[0-9A-Za-z_-]{11}$/);
/**
 * A day bucket: visitor-day records by address key then visitor key (worker/ingest/day-records.ts),
 * or, in an export made before migration 0009, an object from the two keys joined to the record's
 * JSON text, which is turned into today's form.
 */
const dayRecords = z.union([
  jsonText(z.record(key11, z.record(key11, dayRecord))),
  z.string().transform((s, ctx) => {
    try {
      const out: Record<string, Record<string, unknown>> = {};
      for (const [k, r] of Object.entries(JSON.parse(s) as Record<string, string>)) {
        if (!/^[0-9A-Za-z_-]{22}$/.test(k) || typeof r !== "string") throw new Error();
        const record = dayRecord.safeParse(JSON.parse(r));
        if (!record.success) throw new Error();
        (out[k.slice(0, 11)] ??= {})[k.slice(11)] = record.data;
      }
      return JSON.stringify(out);
    } catch {
      ctx.addIssue({ code: "custom", message: "is not the stored JSON shape" });
      return z.NEVER;
    }
  }),
]);
/**
 * A month bucket's visitors: a JSON object from visitor key to human days, or, in an export made
 * before migration 0010, 12-character entries, which are turned into that object.
 */
const monthVisitors = z.union(
  [
    z
      .string()
      .regex(/^([0-9A-Za-z_-]{12})*$/)
      .transform((old) => JSON.stringify(humanDaysOfEntries(old))),
    jsonText(z.record(key11, z.int().min(1).max(63))),
  ],
  { error: "must be human days by visitor key, or 12-character visitor entries" },
);
/**
 * A month bucket's hosts: a JSON object from host key to [hits, pages, bytes], or, in an export made
 * before migration 0008, 29-character entries, which are turned into that object.
 */
const monthHosts = z.union(
  [
    z
      .string()
      .regex(/^([0-9A-Za-z_-]{29})*$/)
      .transform((old) => JSON.stringify(hostsOfEntries(old))),
    jsonText(z.record(key11, z.tuple([count, count, count]))),
  ],
  { error: "must be host counts by host key, or 29-character host entries" },
);
const registers = z.string().regex(/^[0-9A-Za-z_-]{4096}$/, "must be 4,096 sketch registers");
const bucket = (n: number) =>
  z
    .int()
    .min(0)
    .max(n - 1);

const ROW: Record<ExportTable, z.ZodType<unknown[]>> = {
  runs: z.tuple([z.int().min(1), time, time.nullable(), count, count, count, ms]),
  chunks: z
    .tuple([
      text(512).min(1),
      count,
      count,
      z.string().regex(/^[0-9a-f]{64}$/),
      runRef,
      count,
      count,
      time,
    ])
    .refine((r) => r[2] > r[1], "end must be after start"),
  months: z.tuple([
    month,
    count,
    count,
    count,
    count,
    count,
    count,
    count,
    count,
    ms,
    runRef,
    count,
    z.int().min(0).max(1),
    count,
    count,
    count,
    count,
    count,
    count,
    count,
  ]),
  days: z.tuple([date, count, count, count, count, count, count]),
  hours: z.tuple([month, z.int().min(0).max(23), count, count, count, count, count, count]),
  panel_heads: z.tuple([
    period,
    panelId,
    headRows,
    count,
    count,
    count,
    count,
    count,
    count,
    text(10_000),
  ]),
  panel_tails: z.tuple([period, panelId, text(10_000), count, count, count, count, runRef, count]),
  day_buckets: z.tuple([date, bucket(64), dayRecords]),
  month_buckets: z.tuple([month, bucket(64), monthVisitors, monthHosts]),
  sketches: z.tuple([month, registers]),
  year_figures: z.tuple([z.string().regex(/^\d{4}$/), count, count, count]),
  watched_hits: z.tuple([
    month,
    text(64),
    text(100),
    text(10_000),
    text(32),
    text(10_000),
    z.int().min(0).max(999),
    count,
    text(10_000),
  ]),
  rejected_samples: z.tuple([
    z.int().min(0),
    text(512),
    count,
    text(200),
    text(10_000),
    z.union([month, z.literal("")]),
    time,
  ]),
  host_names: z.tuple([text(100).min(1), text(253).nullable(), time]),
};

/** Columns named otherwise in exports made before migrations 0008, 0009 and 0010 (cells convert: see ROW). */
const OLD_COLUMNS: Partial<Record<ExportTable, string[][]>> = {
  day_buckets: [["date", "bucket", "records"]],
  month_buckets: [
    ["month", "bucket", "entries", "hosts"],
    ["month", "bucket", "entries", "host_counts"],
  ],
};

/** The primary key's columns of each table (no two rows may share them). */
const KEYS: Partial<Record<ExportTable, number[]>> = {
  runs: [0],
  chunks: [0, 1],
  months: [0],
  days: [0],
  hours: [0, 1],
  panel_heads: [0, 1],
  panel_tails: [0, 1, 2],
  day_buckets: [0, 1],
  month_buckets: [0, 1],
  sketches: [0],
  year_figures: [0],
  host_names: [0],
};

/** At most this many problems are listed: a broken export would otherwise list a million. */
const MAX_ERRORS = 20;

export type ExportCheck =
  | { ok: true; rows: ExportRows; config: UserConfig }
  | { ok: false; errors: string[] };

/** Checks an export whole; nothing of it may be stored unless this says ok. */
export function checkExport(body: unknown): ExportCheck {
  const errors: string[] = [];
  const fail = (e: string) => {
    if (errors.length < MAX_ERRORS) errors.push(e);
  };
  const head = z
    .object({
      format: z.literal(EXPORT_FORMAT),
      version: z.literal(EXPORT_VERSION),
      site: z.string(),
      exportedAt: z.string(),
      config: z.unknown(),
      tables: z.record(z.string(), z.unknown()),
    })
    .safeParse(body);
  if (!head.success) {
    for (const i of head.error.issues) fail(`${i.path.join(".") || "(export)"}: ${i.message}`);
    return { ok: false, errors };
  }
  const config = checkSiteConfig(head.data.config);
  if (!config.ok) for (const e of config.errors) fail(`config.${e}`);
  const rows = {} as ExportRows;
  const tables = head.data.tables;
  for (const t of EXPORT_TABLE_NAMES) {
    const cols = EXPORT_TABLES[t];
    const tab = z
      .object({ columns: z.array(z.string()), rows: z.array(z.unknown()) })
      .safeParse(tables[t]);
    if (!tab.success) {
      fail(`tables.${t}: missing, or not { columns, rows }`);
      continue;
    }
    const columns = tab.data.columns.join(",");
    if (columns !== cols.join(",") && !OLD_COLUMNS[t]?.some((c) => c.join(",") === columns)) {
      fail(`tables.${t}.columns must be ${cols.join(",")}`);
      continue;
    }
    const seen = new Set<string>();
    const key = KEYS[t];
    // The rows as parsed: an older cell form comes out in today's (see monthHosts).
    const parsed: unknown[][] = [];
    tab.data.rows.forEach((row, n) => {
      const r = ROW[t].safeParse(row);
      if (!r.success) {
        const i = r.error.issues[0];
        const at = i.path.length ? `[${i.path.join("][")}]` : "";
        fail(`tables.${t}.rows[${n}]${at}: ${i.message}`);
        return;
      }
      if (key) {
        const k = JSON.stringify(key.map((c) => r.data[c]));
        if (seen.has(k)) fail(`tables.${t}.rows[${n}]: a second row with the key ${k}`);
        seen.add(k);
      }
      parsed.push(r.data);
    });
    rows[t] = parsed;
  }
  if (errors.length) return { ok: false, errors };
  const ids = rows.runs.map((r) => r[0]);
  if (!ids.every((id, i) => id === i + 1)) fail("tables.runs ids must be 1..n in order");
  for (const t of EXPORT_TABLE_NAMES) {
    const col = RUN_COLUMNS[t];
    if (!col) continue;
    const i = (EXPORT_TABLES[t] as readonly string[]).indexOf(col);
    const bad = rows[t].findIndex((r) => r[i] !== null && (r[i] as number) > ids.length);
    if (bad >= 0) fail(`tables.${t}.rows[${bad}].${col} names no exported run`);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, rows, config: (config as { config: UserConfig }).config };
}
