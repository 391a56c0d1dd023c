/** The nodes of a site: found by their token, updated by their heartbeats. */
import { CLOCK_SKEW_MS, REPLICATED_AT_MIN } from "../../watchdog/heartbeat-body";

export interface HeartbeatNode {
  siteId: number;
  site: string;
  node: string;
  role: "master" | "standby";
}

export async function findNodeByToken(
  db: D1Database,
  tokenHash: string,
): Promise<HeartbeatNode | null> {
  return db
    .prepare(
      "SELECT n.site_id AS siteId, s.name AS site, n.node, n.role FROM nodes AS n JOIN sites AS s ON s.id = n.site_id WHERE n.token_hash = ?1",
    )
    .bind(tokenHash)
    .first<HeartbeatNode>();
}

export interface Heartbeat {
  siteId: number;
  node: string;
  now: number;
  family: 4 | 6;
  address: string;
  version?: string;
  uptime?: number;
  load?: number;
  replicatedAt?: number;
}

/**
 * Records a heartbeat: the address of its family, the time, and what the agent said (fields it
 * left out are kept, except a stored `replicated_at` outside [?9, now + ?10], which an older
 * worker may have let in: it is dropped).
 */
export function recordHeartbeat(db: D1Database, h: Heartbeat): D1PreparedStatement {
  const col = h.family === 4 ? "v4" : "v6";
  return db
    .prepare(`UPDATE nodes SET last_seen = ?3, ${col} = ?4, ${col}_seen_at = ?3, version = coalesce(?5, version),
    uptime = coalesce(?6, uptime), load = coalesce(?7, load),
    replicated_at = coalesce(?8, CASE WHEN replicated_at BETWEEN ?9 AND ?3 + ?10 THEN replicated_at END)
    WHERE site_id = ?1 AND node = ?2`)
    .bind(
      h.siteId,
      h.node,
      h.now,
      h.address,
      h.version ?? null,
      h.uptime ?? null,
      h.load ?? null,
      h.replicatedAt ?? null,
      REPLICATED_AT_MIN,
      CLOCK_SKEW_MS,
    );
}
