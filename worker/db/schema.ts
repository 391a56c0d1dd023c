import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, sqliteView, text } from "drizzle-orm/sqlite-core";

/**
 * D1 schema. Aggregates only, never raw lines: rows grow with distinct keys. Tables keyed by a
 * composite primary key are turned `WITHOUT ROWID` by hand in the migration (drizzle-kit does not
 * emit it), which halves their rows written and their size.
 */

export const sites = sqliteTable("sites", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  /** sha-256 hex of the agent token: the token itself is shown once, never stored. */
  agentTokenHash: text("agent_token_hash").notNull().unique(),
  readTokenHash: text("read_token_hash").notNull().unique(),
  /** 1: reports readable without a token. */
  public: integer("public").notNull().default(0),
  /** How client addresses are kept where one is kept (watched trails): full, truncated, or keyed-hashed. */
  privacy: text("privacy", { enum: ["full", "truncate", "hash"] }).notNull().default("truncate"),
  /** The analysis configuration (core UserConfig) as JSON. */
  config: text("config").notNull().default("{}"),
  /** Per-site key of the keyed hashes that replace client addresses (privacy "truncate" and "hash"). */
  secret: text("secret").notNull().default(""),
  /** Bumped by every applied chunk: the compare-and-swap that serialises writers. */
  version: integer("version").notNull().default(0),
  createdAt: integer("created_at").notNull().default(sql`(unixepoch())`),
});

/** Every accepted chunk: its receipt makes a repeat harmless and an overlap refusable. */
export const chunks = sqliteTable("chunks", {
  siteId: integer("site_id").notNull(),
  source: text("source").notNull(),
  start: integer("start").notNull(),
  end: integer("end").notNull(),
  sha256: text("sha256").notNull(),
  runId: integer("run_id"),
  lines: integer("lines").notNull(),
  rejected: integer("rejected").notNull(),
  appliedAt: integer("applied_at").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.source, t.start] })]);

/** An upload session: the reports show each month's analysis duration and what changed since the previous run. */
export const runs = sqliteTable("runs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  siteId: integer("site_id").notNull(),
  startedAt: integer("started_at").notNull(),
  endedAt: integer("ended_at"),
  chunks: integer("chunks").notNull().default(0),
  lines: integer("lines").notNull().default(0),
  rejected: integer("rejected").notNull().default(0),
  /** Sum of the chunks' analysis wall time. */
  analysisMs: real("analysis_ms").notNull().default(0),
}, (t) => [index("runs_site").on(t.siteId, t.id)]);

/** Month totals, derived from visitor-days (kept current by exact deltas at each chunk). */
export const months = sqliteTable("months", {
  siteId: integer("site_id").notNull(),
  month: text("month").notNull(),
  hits: integer("hits").notNull().default(0),
  pages: integer("pages").notNull().default(0),
  bytes: integer("bytes").notNull().default(0),
  visits: integer("visits").notNull().default(0),
  visitors: integer("visitors").notNull().default(0),
  robotHits: integer("robot_hits").notNull().default(0),
  rejected: integer("rejected").notNull().default(0),
  lines: integer("lines").notNull().default(0),
  analysisMs: real("analysis_ms").notNull().default(0),
  lastRunId: integer("last_run_id"),
}, (t) => [primaryKey({ columns: [t.siteId, t.month] })]);

export const days = sqliteTable("days", {
  siteId: integer("site_id").notNull(),
  date: text("date").notNull(),
  hits: integer("hits").notNull().default(0),
  pages: integer("pages").notNull().default(0),
  bytes: integer("bytes").notNull().default(0),
  visits: integer("visits").notNull().default(0),
  visitors: integer("visitors").notNull().default(0),
  robotHits: integer("robot_hits").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.siteId, t.date] })]);

/** Hours of the day per month: [hits, pages, bytes, robot hits] summed; visitors and visits derived. */
export const hours = sqliteTable("hours", {
  siteId: integer("site_id").notNull(),
  month: text("month").notNull(),
  hour: integer("hour").notNull(),
  hits: integer("hits").notNull().default(0),
  pages: integer("pages").notNull().default(0),
  bytes: integer("bytes").notNull().default(0),
  robotHits: integer("robot_hits").notNull().default(0),
  visitors: integer("visitors").notNull().default(0),
  visits: integer("visits").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.siteId, t.month, t.hour] })]);

/** Every panel row of the core's registry (and the derived `entry` panel), by month. */
export const panelRows = sqliteTable("panel_rows", {
  siteId: integer("site_id").notNull(),
  month: text("month").notNull(),
  panel: text("panel").notNull(),
  key: text("key").notNull(),
  hits: integer("hits").notNull().default(0),
  pages: integer("pages").notNull().default(0),
  bytes: integer("bytes").notNull().default(0),
  max: integer("max").notNull().default(0),
  /** Run that last changed the row, and its hits before that run: "what changed since the previous analysis". */
  changedRun: integer("changed_run"),
  hitsBefore: integer("hits_before").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.siteId, t.month, t.panel, t.key] })]);

/** The order-independent record behind visits, visitors and the robot split (see worker/core/visitor-day.ts). */
export const visitorDays = sqliteTable("visitor_days", {
  siteId: integer("site_id").notNull(),
  date: text("date").notNull(),
  visitor: text("visitor").notNull(),
  /** hits, bytes, pages, errors, posts, robotsTxt, uaRobot, hours */
  counters: text("counters").notNull(),
  /** [[start, end, entryAt, entry], …] */
  spans: text("spans").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.date, t.visitor] })]);

/** Human days per visitor and month: a month's unique visitors count the rows above zero. */
export const visitorMonths = sqliteTable("visitor_months", {
  siteId: integer("site_id").notNull(),
  month: text("month").notNull(),
  visitor: text("visitor").notNull(),
  humanDays: integer("human_days").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.month, t.visitor] })]);

/** Hits of watched visitors, whole. */
export const watchedHits = sqliteTable("watched_hits", {
  siteId: integer("site_id").notNull(),
  month: text("month").notNull(),
  at: text("at").notNull(),
  address: text("address").notNull(),
  agent: text("agent").notNull(),
  method: text("method").notNull(),
  url: text("url").notNull(),
  status: integer("status").notNull(),
  bytes: integer("bytes").notNull(),
  referer: text("referer").notNull(),
}, (t) => [index("watched_hits_site_month").on(t.siteId, t.month, t.at)]);

/** Rejected-line samples of each run. */
export const rejectedSamples = sqliteTable("rejected_samples", {
  runId: integer("run_id").notNull(),
  source: text("source").notNull(),
  line: integer("line").notNull(),
  reason: text("reason").notNull(),
  text: text("text").notNull(),
}, (t) => [index("rejected_samples_run").on(t.runId)]);

/** Reverse-DNS names of feed-reader addresses. */
export const hostNames = sqliteTable("host_names", {
  siteId: integer("site_id").notNull(),
  address: text("address").notNull(),
  name: text("name"),
  resolvedAt: integer("resolved_at").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.address] })]);

/** A NOT NULL column: inserting NULL into it aborts the batch it is in (the compare-and-swap's teeth). */
export const guard = sqliteTable("guard", {
  ok: integer("ok").notNull(),
});

/**
 * The yearly summary, derived from the months (unique visitors: distinct over the year's months).
 * A view written by hand in migrations/0001 (drizzle-kit leaves correlated columns unqualified).
 */
export const years = sqliteView("years", {
  siteId: integer("site_id").notNull(),
  year: text("year").notNull(),
  hits: integer("hits").notNull(),
  pages: integer("pages").notNull(),
  bytes: integer("bytes").notNull(),
  visits: integer("visits").notNull(),
  visitors: integer("visitors").notNull(),
  robotHits: integer("robot_hits").notNull(),
  rejected: integer("rejected").notNull(),
  months: integer("months").notNull(),
}).existing();
