/** The dns_changes outbox: asked in the state's compare-and-swap batch, drained by the tick. */

export interface DnsChangeRow {
  id: string;
  epoch: number;
  kind: string;
  provider: "cloudflare" | "gandi";
  zone: string;
  record: string;
  type: "A" | "AAAA";
  expectedOld: string | null;
  desired: string;
  attempts: number;
  outcome: string | null;
}

/** A new wanted content replaces any older one not yet done. */
export function supersedePendingDns(db: D1Database, siteId: number): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE dns_changes SET status = 'superseded' WHERE site_id = ?1 AND status = 'pending'",
    )
    .bind(siteId);
}

export function insertDnsChange(
  db: D1Database,
  c: {
    id: string;
    siteId: number;
    now: number;
    epoch: number;
    kind: string;
    provider: string;
    zone: string;
    record: string;
    type: string;
    expectedOld: string | null;
    desired: string;
  },
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO dns_changes (id, site_id, created_at, epoch, kind, provider, zone, record, type, expected_old, desired, next_attempt_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?3) ON CONFLICT (id) DO NOTHING`)
    .bind(
      c.id,
      c.siteId,
      c.now,
      c.epoch,
      c.kind,
      c.provider,
      c.zone,
      c.record,
      c.type,
      c.expectedOld,
      c.desired,
    );
}

export async function dueDnsChanges(
  db: D1Database,
  siteId: number,
  now: number,
): Promise<DnsChangeRow[]> {
  const r = await db
    .prepare(`SELECT id, epoch, kind, provider, zone, record, type, expected_old AS expectedOld, desired, attempts, outcome
    FROM dns_changes WHERE site_id = ?1 AND status = 'pending' AND next_attempt_at <= ?2 AND (claimed_until IS NULL OR claimed_until < ?2)
    ORDER BY created_at, id LIMIT 5`)
    .bind(siteId, now)
    .all<DnsChangeRow>();
  return r.results;
}

/** Takes the row for one attempt; false when another drain has it, or it is no longer pending. */
export async function claimDnsChange(
  db: D1Database,
  id: string,
  now: number,
  holdMs: number,
): Promise<boolean> {
  const r = await db
    .prepare(`UPDATE dns_changes SET claimed_until = ?2 + ?3, attempts = attempts + 1
    WHERE id = ?1 AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?2)`)
    .bind(id, now, holdMs)
    .run();
  return r.meta.changes === 1;
}

export function finishDnsChange(
  db: D1Database,
  id: string,
  r: { now: number; outcome: string; observedBefore: string | null; status: number; body: string },
): D1PreparedStatement {
  return db
    .prepare(`UPDATE dns_changes SET status = 'done', done_at = ?2, outcome = ?3, observed_before = coalesce(observed_before, ?4),
    response_status = ?5, response_body = ?6, claimed_until = NULL WHERE id = ?1 AND status = 'pending'`)
    .bind(id, r.now, r.outcome, r.observedBefore, r.status, r.body);
}

/** Leaves the row pending, to be tried again at `nextAttemptAt`. */
export function retryDnsChange(
  db: D1Database,
  id: string,
  r: {
    nextAttemptAt: number;
    outcome: string;
    observedBefore: string | null;
    status: number;
    body: string;
  },
): D1PreparedStatement {
  return db
    .prepare(`UPDATE dns_changes SET next_attempt_at = ?2, outcome = ?3, observed_before = coalesce(observed_before, ?4),
    response_status = ?5, response_body = ?6, claimed_until = NULL WHERE id = ?1 AND status = 'pending'`)
    .bind(id, r.nextAttemptAt, r.outcome, r.observedBefore, r.status, r.body);
}
