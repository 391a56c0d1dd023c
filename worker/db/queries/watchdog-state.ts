import type { StateName, WatchState } from "../../watchdog/model";

/** A watched site's configuration row. */
export interface WatchConfigRow {
  siteId: number;
  site: string;
  provider: "cloudflare" | "gandi";
  zone: string;
  record: string;
  type: "A" | "AAAA";
  leaseSeconds: number;
  downTicks: number;
  upTicks: number;
  failback: "manual" | "auto";
  stableSeconds: number;
  maxSwitches: number;
  switchWindowSeconds: number;
  minUpdateSeconds: number;
  replicationMaxAgeSeconds: number;
  /** `stale_policy` (`--stale`): "refuse" keeps the watchdog from failing over to a stale standby. */
  stalePolicy: "warn" | "refuse";
}

export interface NodeRow {
  node: string;
  role: "master" | "standby";
  lastSeen: number | null;
  v4: string | null;
  v4SeenAt: number | null;
  v6: string | null;
  v6SeenAt: number | null;
  version: string | null;
  uptime: number | null;
  load: number | null;
  replicatedAt: number | null;
}

export interface StoredState extends WatchState {
  version: number;
  recordContent: string | null;
  recordCheckedAt: number | null;
}

export interface Watch {
  config: WatchConfigRow;
  state: StoredState;
  nodes: NodeRow[];
  /** DNS changes not yet done. */
  pending: number;
}

/** `w.*`: every column of the watch's settings (a new one is read with no change here). */
const CONFIG_SQL = `SELECT w.*, s.name AS site FROM watch_config AS w JOIN sites AS s ON s.id = w.site_id
  WHERE w.site_id = ?1`;

interface ConfigColumns {
  site_id: number;
  site: string;
  provider: "cloudflare" | "gandi";
  zone: string;
  record: string;
  type: "A" | "AAAA";
  lease_seconds: number;
  down_ticks: number;
  up_ticks: number;
  failback: "manual" | "auto";
  stable_seconds: number;
  max_switches: number;
  switch_window_seconds: number;
  min_update_seconds: number;
  replication_max_age_seconds: number;
  stale_policy?: string;
}

function configRow(r: ConfigColumns): WatchConfigRow {
  return {
    siteId: r.site_id,
    site: r.site,
    provider: r.provider,
    zone: r.zone,
    record: r.record,
    type: r.type,
    leaseSeconds: r.lease_seconds,
    downTicks: r.down_ticks,
    upTicks: r.up_ticks,
    failback: r.failback,
    stableSeconds: r.stable_seconds,
    maxSwitches: r.max_switches,
    switchWindowSeconds: r.switch_window_seconds,
    minUpdateSeconds: r.min_update_seconds,
    replicationMaxAgeSeconds: r.replication_max_age_seconds,
    stalePolicy: r.stale_policy === "refuse" ? "refuse" : "warn",
  };
}

const STATE_SQL = `SELECT version, state, epoch, active, since, down_count AS downCount, up_count AS upCount,
  up_since AS upSince, last_tick AS lastTick, hold_reason AS holdReason, role_changes AS roleChanges, target,
  last_update_at AS lastUpdateAt, replication_stale AS replicationStale, record_content AS recordContent,
  record_checked_at AS recordCheckedAt FROM watchdog_state WHERE site_id = ?1`;

export const NODES_SQL = `SELECT node, role, last_seen AS lastSeen, v4, v4_seen_at AS v4SeenAt, v6, v6_seen_at AS v6SeenAt,
  version, uptime, load, replicated_at AS replicatedAt FROM nodes WHERE site_id = ?1 ORDER BY role, node`;

/** The sites with a watchdog configured: id and name. */
export async function listWatchedSites(
  db: D1Database,
): Promise<{ siteId: number; site: string }[]> {
  const r = await db
    .prepare(
      "SELECT w.site_id AS siteId, s.name AS site FROM watch_config AS w JOIN sites AS s ON s.id = w.site_id ORDER BY w.site_id",
    )
    .all<{ siteId: number; site: string }>();
  return r.results;
}

/** The flap window's role changes as stored (a JSON array of times); anything else reads as none. */
function roleChangeTimes(json: string): number[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is number => Number.isFinite(t)) : [];
  } catch {
    return [];
  }
}

/** Everything a tick reads, in one batch; null when the site has no watchdog. */
export async function loadWatch(db: D1Database, siteId: number): Promise<Watch | null> {
  const [config, state, nodes, pending] = await db.batch([
    db.prepare(CONFIG_SQL).bind(siteId),
    db.prepare(STATE_SQL).bind(siteId),
    db.prepare(NODES_SQL).bind(siteId),
    db
      .prepare("SELECT count(*) AS n FROM dns_changes WHERE site_id = ?1 AND status = 'pending'")
      .bind(siteId),
  ]);
  const raw = config.results[0] as ConfigColumns | undefined;
  const s = state.results[0] as
    | (Omit<StoredState, "roleChanges" | "replicationStale"> & {
        roleChanges: string;
        replicationStale: number;
      })
    | undefined;
  if (!raw || !s) return null;
  return {
    config: configRow(raw),
    state: {
      ...s,
      state: s.state as StateName,
      roleChanges: roleChangeTimes(s.roleChanges),
      replicationStale: s.replicationStale === 1,
    },
    nodes: nodes.results as unknown as NodeRow[],
    pending: (pending.results[0] as { n: number }).n,
  };
}

/**
 * Writes the next state if the row is still at `version` (and, for a tick, not already past
 * `lastTick`). Returns the statement; its `meta.changes` is 1 when the swap happened.
 */
export function updateState(
  db: D1Database,
  siteId: number,
  version: number,
  s: WatchState,
): D1PreparedStatement {
  return db
    .prepare(`UPDATE watchdog_state SET version = ?2 + 1, state = ?3, epoch = ?4, active = ?5, since = ?6,
    down_count = ?7, up_count = ?8, up_since = ?9, last_tick = ?10, hold_reason = ?11, role_changes = ?12, target = ?13,
    last_update_at = ?14, replication_stale = ?15 WHERE site_id = ?1 AND version = ?2`)
    .bind(
      siteId,
      version,
      s.state,
      s.epoch,
      s.active,
      s.since,
      s.downCount,
      s.upCount,
      s.upSince,
      s.lastTick,
      s.holdReason,
      JSON.stringify(s.roleChanges),
      s.target,
      s.lastUpdateAt,
      s.replicationStale ? 1 : 0,
    );
}

/** Aborts the batch it heads (NULL into guard.ok) unless the state row is at `version`. */
export function guardStateVersion(
  db: D1Database,
  siteId: number,
  version: number,
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO guard (ok) VALUES ((SELECT 1 FROM watchdog_state WHERE site_id = ?1 AND version = ?2))",
    )
    .bind(siteId, version);
}

/** What the provider was last seen to hold: an observation, outside the compare-and-swap. */
export function recordSeen(
  db: D1Database,
  siteId: number,
  content: string | null,
  at: number,
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE watchdog_state SET record_content = ?2, record_checked_at = ?3 WHERE site_id = ?1",
    )
    .bind(siteId, content, at);
}

export function insertTransition(
  db: D1Database,
  t: { siteId: number; at: number; from: string; to: string; epoch: number; reason: string },
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO transitions (site_id, at, from_state, to_state, epoch, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(t.siteId, t.at, t.from, t.to, t.epoch, t.reason);
}

export async function loadNodes(db: D1Database, siteId: number): Promise<NodeRow[]> {
  return (await db.prepare(NODES_SQL).bind(siteId).all<NodeRow>()).results;
}
