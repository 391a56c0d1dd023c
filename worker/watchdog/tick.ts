/**
 * The impure shell around `decide()`. A tick, per watched site: read state and nodes (and, every
 * few minutes, the record at the provider), decide, persist by compare-and-swap, drain the DNS
 * outbox, settle a switch whose DNS is verified, drain the notifications. Duplicate or overlapping
 * ticks are harmless: a tick at or before the last processed one stops at once, a lost
 * compare-and-swap stops the loser, outbox rows are claimed before they are acted on.
 */
import { insertNotification } from "../db/queries/notifications";
import { ApiError } from "../errors";
import type { Watch } from "../db/queries/watchdog-state";
import { listWatchedSites, loadWatch, recordSeen } from "../db/queries/watchdog-state";
import { canonicalAddress } from "./address";
import { decide } from "./decide";
import type { WatchdogDeps } from "./deps";
import { drainDns } from "./drain-dns";
import { drainNotifications } from "./drain-notifications";
import type { Command, Decision } from "./model";
import { observe, toConfig } from "./observe";
import { persistDecision } from "./persist";

/** How often a quiet site's record is read to catch edits made outside Vigie. */
export const RECONCILE_MS = 5 * 60_000;

export type TickOutcome = "done" | "duplicate" | "lost" | "unwatched";

export async function tickSite(
  deps: WatchdogDeps,
  siteId: number,
  scheduledTime: number,
): Promise<TickOutcome> {
  const now = scheduledTime;
  const w = await loadWatch(deps.db, siteId);
  if (!w) return "unwatched";
  if (w.state.lastTick !== null && now <= w.state.lastTick) return "duplicate";
  const recordContent = await reconcileRead(deps, w, now);
  const d = decide(
    w.state,
    observe(w, { tick: true, recordContent }, now),
    toConfig(w.config),
    now,
  );
  if (!(await persistDecision(deps, w, d, now))) return "lost";
  const verified = await drainDns(deps, siteId, w.config.site, now);
  if (verified > 0 && (d.state.state === "FAILING_OVER" || d.state.state === "FAILING_BACK"))
    await settle(deps, siteId, now);
  await drainNotifications(deps, siteId, now);
  return "done";
}

/** After the DNS drain: a switch whose changes are all verified ends now rather than a tick later. */
async function settle(deps: WatchdogDeps, siteId: number, now: number): Promise<void> {
  const w = await loadWatch(deps.db, siteId);
  if (!w) return;
  const d = decide(w.state, observe(w, { tick: false }, now), toConfig(w.config), now);
  if (d.actions.length) await persistDecision(deps, w, d, now);
}

async function reconcileRead(
  deps: WatchdogDeps,
  w: Watch,
  now: number,
): Promise<string | null | undefined> {
  const s = w.state;
  const quiet =
    s.state !== "FAILING_OVER" &&
    s.state !== "FAILING_BACK" &&
    s.state !== "HOLD" &&
    w.pending === 0 &&
    s.target !== null;
  if (!quiet || (s.recordCheckedAt !== null && now - s.recordCheckedAt < RECONCILE_MS))
    return undefined;
  const r = await deps
    .provider(w.config.provider)
    .read({ zone: w.config.zone, record: w.config.record, type: w.config.type });
  if (!r.ok) {
    console.warn(`watchdog ${w.config.site}: reading ${w.config.record} failed: ${r.message}`);
    return undefined;
  }
  const content =
    r.value.content === null ? null : (canonicalAddress(r.value.content) ?? r.value.content);
  await recordSeen(deps.db, w.config.siteId, content, now).run();
  return content;
}

export type CommandResult =
  | { status: "applied"; decision: Decision; watch: Watch }
  | { status: "refused"; message: string }
  | { status: "unwatched" };

/** An owner's command (failback, release, hold), decided and persisted now; its DNS and messages go out on the next tick. */
export async function runCommand(
  deps: WatchdogDeps,
  siteId: number,
  command: Command,
  now: number,
): Promise<CommandResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const w = await loadWatch(deps.db, siteId);
    if (!w) return { status: "unwatched" };
    const d = decide(w.state, observe(w, { tick: false, command }, now), toConfig(w.config), now);
    if (d.refused) return { status: "refused", message: d.refused };
    if (await persistDecision(deps, w, d, now)) return { status: "applied", decision: d, watch: w };
  }
  throw new ApiError("busy", "the watchdog state kept changing under the command; try again");
}

/**
 * The cron tick over every watched site. It never throws: one site's failure (bad stored data, a
 * bug) neither stops the other sites nor fails the run; it is logged and notified once (one
 * message per site and distinct error), then the site is tried again at the next tick.
 */
export async function runWatchdog(deps: WatchdogDeps, scheduledTime: number): Promise<number> {
  let failed = 0;
  for (const { siteId, site } of await listWatchedSites(deps.db)) {
    try {
      await tickSite(deps, siteId, scheduledTime);
    } catch (e) {
      failed++;
      console.error(`watchdog tick of site ${site}:`, e);
      await reportFailure(deps, siteId, site, e, scheduledTime).catch((e2) =>
        console.error(`watchdog: notifying the failure of site ${site} failed too:`, e2),
      );
    }
  }
  return failed;
}

async function reportFailure(
  deps: WatchdogDeps,
  siteId: number,
  site: string,
  e: unknown,
  now: number,
): Promise<void> {
  const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
  const writes = deps.channels.map((channel) =>
    insertNotification(deps.db, {
      id: `${siteId}:tick-error:${fnv1a(error)}:${channel}`,
      siteId,
      now,
      channel,
      title: `${site}: watchdog could not decide`,
      body: `The watchdog could not decide for site ${site}: ${error}. It tries again every minute; this message is sent once.`,
      priority: 5,
    }),
  );
  if (writes.length) await deps.db.batch(writes);
  await drainNotifications(deps, siteId, now);
}

/** 32-bit FNV-1a in hex: one outbox id per distinct error, so that it is notified once. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
