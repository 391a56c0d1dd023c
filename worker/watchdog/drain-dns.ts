/**
 * Drains a site's DNS outbox: for each due change, read the record; if it already holds the
 * desired content, done (no write); else write, then read back. A failure leaves the row pending:
 * tried again on the next tick, or after the provider's Retry-After on a 429, with a doubling
 * back-off (1 min … 1 h) otherwise. The first refusal (4xx) and the third failure alert.
 */
import type { DnsChangeRow } from "../db/queries/dns-changes";
import {
  claimDnsChange,
  dueDnsChanges,
  finishDnsChange,
  retryDnsChange,
} from "../db/queries/dns-changes";
import { insertNotification } from "../db/queries/notifications";
import { recordSeen } from "../db/queries/watchdog-state";
import { canonicalAddress } from "./address";
import type { WatchdogDeps } from "./deps";
import type { ProviderResult } from "./providers/types";

const CLAIM_MS = 60_000;
const MAX_BACKOFF_MS = 3600_000;

export const backoffMs = (attempts: number) =>
  Math.min(60_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

const canon = (content: string | null) =>
  content === null ? null : (canonicalAddress(content) ?? content);

/** Returns how many changes were completed (verified at the provider). */
export async function drainDns(
  deps: WatchdogDeps,
  siteId: number,
  site: string,
  now: number,
): Promise<number> {
  const { db } = deps;
  let done = 0;
  for (const row of await dueDnsChanges(db, siteId, now)) {
    if (!(await claimDnsChange(db, row.id, now, CLAIM_MS))) continue;
    const attempt = row.attempts + 1;
    const provider = deps.provider(row.provider);
    const ref = { zone: row.zone, record: row.record, type: row.type };
    const before = await provider.read(ref);
    if (!before.ok) {
      await failed(deps, siteId, site, row, attempt, before, null, now);
      continue;
    }
    const seen = canon(before.value.content);
    if (seen === row.desired) {
      const outcome = row.outcome === "unverified" ? "written" : "already-right";
      await db.batch([
        finishDnsChange(db, row.id, {
          now,
          outcome,
          observedBefore: seen,
          status: before.status,
          body: "",
        }),
        recordSeen(db, siteId, seen, now),
      ]);
      done++;
      continue;
    }
    const write = await provider.write(
      ref,
      row.desired,
      before.value,
      `Vigie ${row.kind}, epoch ${row.epoch}`,
    );
    if (!write.ok) {
      await failed(deps, siteId, site, row, attempt, write, seen, now);
      continue;
    }
    const after = await provider.read(ref);
    const back = after.ok ? canon(after.value.content) : null;
    if (after.ok && back === row.desired) {
      await db.batch([
        finishDnsChange(db, row.id, {
          now,
          outcome: "written",
          observedBefore: seen,
          status: write.status,
          body: "",
        }),
        recordSeen(db, siteId, back, now),
      ]);
      done++;
    } else {
      // Written but not read back (yet): the next tick reads again and, if right, completes it without writing.
      const body = after.ok ? `read back ${back ?? "no record"}` : after.message;
      await retryDnsChange(db, row.id, {
        nextAttemptAt: now + 60_000,
        outcome: "unverified",
        observedBefore: seen,
        status: write.status,
        body,
      }).run();
    }
  }
  return done;
}

async function failed(
  deps: WatchdogDeps,
  siteId: number,
  site: string,
  row: DnsChangeRow,
  attempt: number,
  r: ProviderResult<unknown> & { ok: false },
  seen: string | null,
  now: number,
): Promise<void> {
  const delay = r.status === 429 ? Math.max(r.retryAfterMs ?? 60_000, 1000) : backoffMs(attempt);
  const writes = [
    retryDnsChange(deps.db, row.id, {
      nextAttemptAt: now + delay,
      outcome: "error",
      observedBefore: seen,
      status: r.status,
      body: `${r.message}\n${r.body}`.slice(0, 2000),
    }),
  ];
  const refused = r.status >= 400 && r.status < 500 && r.status !== 429;
  if ((refused && attempt === 1) || attempt === 3) {
    const title = `${site}: DNS update failing`;
    const text = `${site}: setting ${row.record} ${row.type} to ${row.desired} failed (attempt ${attempt}): ${r.message}.${r.status === 401 || r.status === 403 ? " Check the DNS_TOKEN secret and its permissions." : ""} Retrying in ${Math.round(delay / 60_000) || 1} min.`;
    for (const channel of deps.channels)
      writes.push(
        insertNotification(deps.db, {
          id: `${siteId}:dns:${row.id}:${attempt}:${channel}`,
          siteId,
          now,
          channel,
          title,
          body: text,
          priority: 5,
        }),
      );
  }
  await deps.db.batch(writes);
}
