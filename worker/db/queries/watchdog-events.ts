export interface TransitionRow {
  at: number;
  from: string;
  to: string;
  epoch: number;
  reason: string;
}

/** The site's last `limit` transitions, oldest first. */
export async function recentTransitions(
  db: D1Database,
  siteId: number,
  limit: number,
): Promise<TransitionRow[]> {
  const r = await db
    .prepare(`SELECT at, "from", "to", epoch, reason FROM (
      SELECT id, at, from_state AS "from", to_state AS "to", epoch, reason FROM transitions WHERE site_id = ?1 ORDER BY id DESC LIMIT ?2
    ) ORDER BY id`)
    .bind(siteId, limit)
    .all<TransitionRow>();
  return r.results;
}
