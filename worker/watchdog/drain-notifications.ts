/** Sends a site's due notifications, each claimed first so that no message goes out twice. */
import {
  claimNotification,
  dueNotifications,
  notificationFailed,
  notificationSent,
} from "../db/queries/notifications";
import { backoffMs } from "./drain-dns";
import type { WatchdogDeps } from "./deps";

const MAX_ATTEMPTS = 10;

export async function drainNotifications(
  deps: WatchdogDeps,
  siteId: number,
  now: number,
): Promise<number> {
  const { db } = deps;
  let sent = 0;
  for (const n of await dueNotifications(db, siteId, now)) {
    if (!(await claimNotification(db, n.id, now))) continue;
    try {
      await deps.send(n.channel, { title: n.title, text: n.body, priority: n.priority });
      await notificationSent(db, n.id, now).run();
      sent++;
    } catch (e) {
      const attempts = n.attempts + 1;
      const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      await notificationFailed(
        db,
        n.id,
        error,
        attempts >= MAX_ATTEMPTS ? null : now + backoffMs(attempts),
      ).run();
    }
  }
  return sent;
}
