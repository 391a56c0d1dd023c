/** The notifications outbox: one row per message and channel, claimed before sending. */

export interface NotificationRow {
  id: string;
  channel: "webhook" | "email";
  title: string;
  body: string;
  priority: number;
  attempts: number;
}

export function insertNotification(
  db: D1Database,
  n: {
    id: string;
    siteId: number;
    now: number;
    channel: string;
    title: string;
    body: string;
    priority: number;
  },
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO notifications (id, site_id, created_at, channel, title, body, priority, next_attempt_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3) ON CONFLICT (id) DO NOTHING`)
    .bind(n.id, n.siteId, n.now, n.channel, n.title, n.body, n.priority);
}

export async function dueNotifications(
  db: D1Database,
  siteId: number,
  now: number,
): Promise<NotificationRow[]> {
  const r = await db
    .prepare(`SELECT id, channel, title, body, priority, attempts FROM notifications
    WHERE site_id = ?1 AND sent_at IS NULL AND claimed_at IS NULL AND next_attempt_at <= ?2 ORDER BY created_at, id LIMIT 10`)
    .bind(siteId, now)
    .all<NotificationRow>();
  return r.results;
}

/**
 * Takes the row for one send. A claim is only released by a send that reported failure: a drain
 * that dies mid-send leaves it claimed, so a message is never sent twice.
 */
export async function claimNotification(db: D1Database, id: string, now: number): Promise<boolean> {
  const r = await db
    .prepare(
      "UPDATE notifications SET claimed_at = ?2, attempts = attempts + 1 WHERE id = ?1 AND claimed_at IS NULL AND sent_at IS NULL",
    )
    .bind(id, now)
    .run();
  return r.meta.changes === 1;
}

export function notificationSent(db: D1Database, id: string, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE notifications SET sent_at = ?2, last_error = NULL WHERE id = ?1")
    .bind(id, now);
}

/** A failed send: released for a retry at `nextAttemptAt`, or kept claimed (given up) when that is null. */
export function notificationFailed(
  db: D1Database,
  id: string,
  error: string,
  nextAttemptAt: number | null,
): D1PreparedStatement {
  return nextAttemptAt === null
    ? db.prepare("UPDATE notifications SET last_error = ?2 WHERE id = ?1").bind(id, error)
    : db
        .prepare(
          "UPDATE notifications SET claimed_at = NULL, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
        )
        .bind(id, error, nextAttemptAt);
}
