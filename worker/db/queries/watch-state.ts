/**
 * The site's watchdog state for the reports' badge, null when it is not watched: one statement on
 * the state table's primary key, so one row read. It is read on every report request, before the
 * caches, and is part of their key: a failover shows at once, not when the figures next change.
 */
export async function getWatchState(db: D1Database, siteId: number): Promise<string | null> {
  const row = await db
    .prepare("SELECT state FROM watchdog_state WHERE site_id = ?1")
    .bind(siteId)
    .first<{ state: string }>();
  return row?.state ?? null;
}
