/**
 * Writes a decision: the state row by compare-and-swap on its version, and in the same D1 batch (one
 * transaction) the audited transitions and the outbox rows of its DNS changes and notifications.
 * Outbox ids derive from the new version, so the rows of one decision can only be written once.
 */
import { insertDnsChange, supersedePendingDns } from "../db/queries/dns-changes";
import { insertNotification } from "../db/queries/notifications";
import { clearGuard, isGuardFailure } from "../db/queries/site-version-guard";
import type { Watch } from "../db/queries/watchdog-state";
import { guardStateVersion, insertTransition, updateState } from "../db/queries/watchdog-state";
import type { WatchdogDeps } from "./deps";
import type { Decision } from "./model";

/** True when this decision won; false when another run changed the state first. */
export async function persistDecision(
  deps: WatchdogDeps,
  w: Watch,
  d: Decision,
  now: number,
): Promise<boolean> {
  const { db } = deps;
  const siteId = w.config.siteId;
  const version = w.state.version;
  const update = updateState(db, siteId, version, d.state);
  if (d.actions.length === 0) {
    const r = await update.run();
    return r.meta.changes === 1;
  }
  const writes: D1PreparedStatement[] = [guardStateVersion(db, siteId, version), update];
  let n = 0;
  for (const a of d.actions) {
    const id = `${siteId}:${version + 1}:${n++}`;
    if (a.type === "transition") {
      writes.push(
        insertTransition(db, {
          siteId,
          at: now,
          from: a.from,
          to: a.to,
          epoch: a.epoch,
          reason: a.reason,
        }),
      );
    } else if (a.type === "dns") {
      const c = w.config;
      writes.push(supersedePendingDns(db, siteId));
      writes.push(
        insertDnsChange(db, {
          id,
          siteId,
          now,
          epoch: d.state.epoch,
          kind: a.kind,
          provider: c.provider,
          zone: c.zone,
          record: c.record,
          type: c.type,
          expectedOld: a.expectedOld,
          desired: a.desired,
        }),
      );
    } else {
      for (const channel of deps.channels)
        writes.push(
          insertNotification(db, {
            id: `${id}:${channel}`,
            siteId,
            now,
            channel,
            title: a.title,
            body: a.text,
            priority: a.priority,
          }),
        );
    }
  }
  writes.push(clearGuard(db));
  try {
    await db.batch(writes);
    return true;
  } catch (e) {
    if (isGuardFailure(e)) return false;
    throw e;
  }
}
