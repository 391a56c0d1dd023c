import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

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
  privacy: text("privacy", { enum: ["full", "truncate", "hash"] })
    .notNull()
    .default("truncate"),
  /** The analysis configuration (core UserConfig) as JSON. */
  config: text("config").notNull().default("{}"),
  /** Per-site key of the keyed hashes that replace client addresses (privacy "truncate" and "hash"). */
  secret: text("secret").notNull().default(""),
  /** Bumped by every applied chunk: the compare-and-swap that serialises writers. */
  version: integer("version").notNull().default(0),
  /**
   * The site's clock: the latest day (YYYY-MM-DD, the log's own time) of any applied line, never
   * past the worker's tomorrow. Periods close and seal by it (see worker/ingest/periods.ts).
   */
  clock: text("clock"),
  /** The first day with data, and the time of the last applied chunk (epoch seconds). */
  firstDate: text("first_date"),
  lastUpdate: integer("last_update"),
  createdAt: integer("created_at").notNull().default(sql`(unixepoch())`),
});

/** Every accepted chunk: its receipt makes a repeat harmless and an overlap refusable. */
export const chunks = sqliteTable(
  "chunks",
  {
    siteId: integer("site_id").notNull(),
    source: text("source").notNull(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
    sha256: text("sha256").notNull(),
    runId: integer("run_id"),
    lines: integer("lines").notNull(),
    rejected: integer("rejected").notNull(),
    appliedAt: integer("applied_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.source, t.start] })],
);

/** An upload session: the reports show each month's analysis duration and what changed since the previous run. */
export const runs = sqliteTable(
  "runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    siteId: integer("site_id").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    chunks: integer("chunks").notNull().default(0),
    lines: integer("lines").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    /** Sum of the chunks' analysis wall time. */
    analysisMs: real("analysis_ms").notNull().default(0),
  },
  (t) => [index("runs_site").on(t.siteId, t.id)],
);

/** Month totals, derived from visitor-days (kept current by exact deltas at each chunk). */
export const months = sqliteTable(
  "months",
  {
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
    /** Bumped whenever a chunk changes the month: the key of its cached pages. */
    version: integer("version").notNull().default(0),
    /** 1 once the month is sealed: its visitor set is gone, its sketch final. */
    sealed: integer("sealed").notNull().default(0),
    /** Lines of days already closed when they arrived: their visits and visitors are approximate. */
    lateLines: integer("late_lines").notNull().default(0),
    /**
     * What robots found by their behaviour (not their user agent) put in the human panels, which
     * count per line: their hits and page views, and their hits with another site's referer,
     * with a search referer, from an image search, on downloads.
     */
    behaviourHits: integer("behaviour_hits").notNull().default(0),
    behaviourPages: integer("behaviour_pages").notNull().default(0),
    behaviourRefHits: integer("behaviour_ref_hits").notNull().default(0),
    behaviourSearchHits: integer("behaviour_search_hits").notNull().default(0),
    behaviourImageHits: integer("behaviour_image_hits").notNull().default(0),
    behaviourDownloadHits: integer("behaviour_download_hits").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.month] })],
);

export const days = sqliteTable(
  "days",
  {
    siteId: integer("site_id").notNull(),
    date: text("date").notNull(),
    hits: integer("hits").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    visits: integer("visits").notNull().default(0),
    visitors: integer("visitors").notNull().default(0),
    robotHits: integer("robot_hits").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.date] })],
);

/** Hours of the day per month: [hits, pages, bytes, robot hits] summed; visitors and visits derived. */
export const hours = sqliteTable(
  "hours",
  {
    siteId: integer("site_id").notNull(),
    month: text("month").notNull(),
    hour: integer("hour").notNull(),
    hits: integer("hits").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    robotHits: integer("robot_hits").notNull().default(0),
    visitors: integer("visitors").notNull().default(0),
    visits: integer("visits").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.month, t.hour] })],
);

/**
 * Each panel of a period (a month YYYY-MM, or a year YYYY for the panels the year page ranks) keeps
 * its top rows here, sorted, with the panel's totals: a report reads one row per panel. The rows
 * that do not fit (the tail) are `panel_tails` rows, all ranked below the head's last one while
 * `tail*` (the largest tail row ever written) ranks below it (see worker/ingest/panel-head.ts).
 */
export const panelHeads = sqliteTable(
  "panel_heads",
  {
    siteId: integer("site_id").notNull(),
    period: text("period").notNull(),
    panel: text("panel").notNull(),
    /** JSON [[key, hits, pages, bytes, max, changedRun, hitsBefore], …] in report order. */
    rows: text("rows").notNull(),
    /** Every row of the panel, head and tail: how many, and their sums. */
    n: integer("n").notNull().default(0),
    hits: integer("hits").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    /** The largest row ever written to the tail (hits, pages, key): an upper bound of the tail. */
    tailHits: integer("tail_hits").notNull().default(0),
    tailPages: integer("tail_pages").notNull().default(0),
    tailKey: text("tail_key").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.period, t.panel] })],
);

/** The rows of a panel below its head (see panelHeads). */
export const panelTails = sqliteTable(
  "panel_tails",
  {
    siteId: integer("site_id").notNull(),
    period: text("period").notNull(),
    panel: text("panel").notNull(),
    key: text("key").notNull(),
    hits: integer("hits").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    max: integer("max").notNull().default(0),
    changedRun: integer("changed_run"),
    hitsBefore: integer("hits_before").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.period, t.panel, t.key] })],
);

/**
 * The visitor-days of an open day, packed by bucket (the first character of the visitor key,
 * which the address alone decides): JSON { addressKey: { visitorKey: record } } (see
 * worker/ingest/day-records.ts). Deleted when the day closes.
 */
export const dayBuckets = sqliteTable(
  "day_buckets",
  {
    siteId: integer("site_id").notNull(),
    date: text("date").notNull(),
    bucket: integer("bucket").notNull(),
    visitorDays: text("visitor_days").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.date, t.bucket] })],
);

/**
 * The visitor set of an unsealed month, by bucket (the visitor key's second character), and its
 * hosts (see worker/ingest/month-set.ts). Deleted when the month is sealed.
 */
export const monthBuckets = sqliteTable(
  "month_buckets",
  {
    siteId: integer("site_id").notNull(),
    month: text("month").notNull(),
    bucket: integer("bucket").notNull(),
    /** JSON { visitorKey: human days in the month }: the month's human visitors in this bucket. */
    humanDays: text("human_days").notNull(),
    /**
     * The month's hosts (clients, as the privacy setting keeps them) in this bucket, by a hash of
     * their key: JSON { hostKey: [hits, pages, bytes] } (worker/ingest/month-set.ts). The hosts
     * panel's head names the top ones; the rest are counted here until the month is sealed.
     */
    hostCounts: text("host_counts").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.month, t.bucket] })],
);

/** A month's HyperLogLog sketch of its human visitors (worker/core/sketch.ts), kept for ever. */
export const sketches = sqliteTable(
  "sketches",
  {
    siteId: integer("site_id").notNull(),
    month: text("month").notNull(),
    registers: text("registers").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.month] })],
);

/**
 * A year's figures that its months cannot sum: distinct visitors (estimated from the months'
 * sketches, plus `baseVisitors` counted exactly before sketches existed) and days with data.
 */
export const yearFigures = sqliteTable(
  "year_figures",
  {
    siteId: integer("site_id").notNull(),
    year: text("year").notNull(),
    visitors: integer("visitors").notNull().default(0),
    baseVisitors: integer("base_visitors").notNull().default(0),
    days: integer("days").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.year] })],
);

/** The order-independent record behind visits, visitors and the robot split (see worker/core/visitor-day.ts). */
/** Hits of watched visitors, whole. */
export const watchedHits = sqliteTable(
  "watched_hits",
  {
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
  },
  (t) => [index("watched_hits_site_month").on(t.siteId, t.month, t.at)],
);

/** Rejected-line samples of every upload (run 0: outside a run), the latest 20 of each month kept. */
export const rejectedSamples = sqliteTable(
  "rejected_samples",
  {
    runId: integer("run_id").notNull(),
    source: text("source").notNull(),
    line: integer("line").notNull(),
    reason: text("reason").notNull(),
    text: text("text").notNull(),
    siteId: integer("site_id").notNull().default(0),
    /** The month the line is counted in (its nearest parsed line's); '' when the chunk had none. */
    month: text("month").notNull().default(""),
    /** When its chunk was applied (epoch seconds). */
    at: integer("at").notNull().default(0),
  },
  (t) => [
    index("rejected_samples_run").on(t.runId),
    index("rejected_samples_site_month").on(t.siteId, t.month, t.at),
  ],
);

/** Reverse-DNS names of feed-reader addresses. */
export const hostNames = sqliteTable(
  "host_names",
  {
    siteId: integer("site_id").notNull(),
    address: text("address").notNull(),
    name: text("name"),
    resolvedAt: integer("resolved_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.address] })],
);

/** A NOT NULL column: inserting NULL into it aborts the batch it is in (the compare-and-swap's teeth). */
export const guard = sqliteTable("guard", {
  ok: integer("ok").notNull(),
});

// ---- Watchdog and DNS failover (worker/watchdog/). Times are epoch milliseconds (the worker's clock). ----

/** A site's two boxes: one master, one standby (a role is held by at most one node). */
export const nodes = sqliteTable(
  "nodes",
  {
    siteId: integer("site_id").notNull(),
    node: text("node").notNull(),
    role: text("role", { enum: ["master", "standby"] }).notNull(),
    /** sha-256 hex of the node token. */
    tokenHash: text("token_hash").notNull().unique(),
    /** Last heartbeat of either family. */
    lastSeen: integer("last_seen"),
    /** The addresses seen in `CF-Connecting-IP`, one per family, each with its last heartbeat. */
    v4: text("v4"),
    v4SeenAt: integer("v4_seen_at"),
    v6: text("v6"),
    v6SeenAt: integer("v6_seen_at"),
    /** What the node's agent says of itself. */
    version: text("version"),
    uptime: real("uptime"),
    load: real("load"),
    /** When the standby's copy of the master's data last succeeded (set by the agent's hook). */
    replicatedAt: integer("replicated_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.node] }),
    uniqueIndex("nodes_site_role").on(t.siteId, t.role),
  ],
);

/** How a site is watched: which DNS record follows the active node, and the state machine's knobs. */
export const watchConfig = sqliteTable("watch_config", {
  siteId: integer("site_id").primaryKey(),
  provider: text("provider", { enum: ["cloudflare", "gandi"] }).notNull(),
  /** Cloudflare's zone id, or the domain for Gandi. */
  zone: text("zone").notNull(),
  record: text("record").notNull(),
  type: text("type", { enum: ["A", "AAAA"] })
    .notNull()
    .default("A"),
  /** A node is alive while its last heartbeat is younger than this (default: 3 missed 60 s periods). */
  leaseSeconds: integer("lease_seconds").notNull().default(180),
  /** Consecutive ticks with the master silent before failing over. */
  downTicks: integer("down_ticks").notNull().default(3),
  /** Consecutive ticks with the master back before an automatic failback (with `stableSeconds`). */
  upTicks: integer("up_ticks").notNull().default(5),
  failback: text("failback", { enum: ["manual", "auto"] })
    .notNull()
    .default("manual"),
  stableSeconds: integer("stable_seconds").notNull().default(900),
  /** More automatic role changes than this within `switchWindowSeconds` → HOLD. */
  maxSwitches: integer("max_switches").notNull().default(2),
  switchWindowSeconds: integer("switch_window_seconds").notNull().default(21600),
  /** Least time between two address updates of the record (dynamic DNS, like ddclient's min-interval). */
  minUpdateSeconds: integer("min_update_seconds").notNull().default(300),
  /** A standby copy older than this raises a warning. */
  replicationMaxAgeSeconds: integer("replication_max_age_seconds").notNull().default(86400),
  /** A standby copy older than that: `warn` still fails over to it, `refuse` does not. */
  stalePolicy: text("stale_policy", { enum: ["warn", "refuse"] })
    .notNull()
    .default("warn"),
});

/** The state machine's persisted state, one row per watched site, written by compare-and-swap on `version`. */
export const watchdogState = sqliteTable("watchdog_state", {
  siteId: integer("site_id").primaryKey(),
  version: integer("version").notNull().default(0),
  state: text("state").notNull().default("MASTER_ACTIVE"),
  epoch: integer("epoch").notNull().default(1),
  /** The role whose address the record should hold. */
  active: text("active", { enum: ["master", "standby"] })
    .notNull()
    .default("master"),
  since: integer("since").notNull(),
  /** Consecutive ticks counted toward a failover / a failback. */
  downCount: integer("down_count").notNull().default(0),
  upCount: integer("up_count").notNull().default(0),
  upSince: integer("up_since"),
  /** scheduledTime of the last processed tick: a tick at or before it does nothing. */
  lastTick: integer("last_tick"),
  holdReason: text("hold_reason"),
  /** Times of the recent role changes (JSON array), for the flap limit. */
  roleChanges: text("role_changes").notNull().default("[]"),
  /** The content the record was last asked to hold, and when a non-role update was last asked. */
  target: text("target"),
  lastUpdateAt: integer("last_update_at"),
  /** What the provider last answered the record holds (read back), and when. */
  recordContent: text("record_content"),
  recordCheckedAt: integer("record_checked_at"),
  replicationStale: integer("replication_stale").notNull().default(0),
});

/** Append-only audit of the state machine. */
export const transitions = sqliteTable(
  "transitions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    siteId: integer("site_id").notNull(),
    at: integer("at").notNull(),
    fromState: text("from_state").notNull(),
    toState: text("to_state").notNull(),
    epoch: integer("epoch").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("transitions_site").on(t.siteId, t.id)],
);

/** Outbox and audit of DNS writes: one row per wanted record content, drained by the cron tick. */
export const dnsChanges = sqliteTable(
  "dns_changes",
  {
    /** Deterministic: `${siteId}:${version}:${n}` of the state write that asked for it. */
    id: text("id").primaryKey(),
    siteId: integer("site_id").notNull(),
    createdAt: integer("created_at").notNull(),
    epoch: integer("epoch").notNull(),
    /** failover | failback | address | drift | initial */
    kind: text("kind").notNull(),
    provider: text("provider").notNull(),
    zone: text("zone").notNull(),
    record: text("record").notNull(),
    type: text("type").notNull(),
    expectedOld: text("expected_old"),
    desired: text("desired").notNull(),
    status: text("status", { enum: ["pending", "done", "superseded"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    /** A drain holds the row until then, so two overlapping ticks never write it twice. */
    claimedUntil: integer("claimed_until"),
    observedBefore: text("observed_before"),
    /** written | skipped (already right) on success; the last answer otherwise. */
    outcome: text("outcome"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    doneAt: integer("done_at"),
  },
  (t) => [index("dns_changes_site_status").on(t.siteId, t.status, t.nextAttemptAt)],
);

/** Outbox of notifications: claimed before sending, never sent twice, retried after a failed send. */
export const notifications = sqliteTable(
  "notifications",
  {
    /** Deterministic: `${siteId}:${version}:${n}:${channel}`. */
    id: text("id").primaryKey(),
    siteId: integer("site_id").notNull(),
    createdAt: integer("created_at").notNull(),
    channel: text("channel", { enum: ["webhook", "email"] }).notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    priority: integer("priority").notNull().default(3),
    claimedAt: integer("claimed_at"),
    sentAt: integer("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
  },
  (t) => [index("notifications_pending").on(t.siteId, t.sentAt, t.nextAttemptAt)],
);
