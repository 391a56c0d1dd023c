/**
 * The life of a period (docs/storage.md). The site's clock is the latest day of any applied line
 * (the log's own time, never past the worker's tomorrow, so one bad timestamp cannot close
 * everything). By it:
 *  - a day is **open** while it is no more than `openDays` before the clock: its visitor-days are
 *    kept, and every figure of it stays exact whatever order its lines arrive in;
 *  - then **closed**: its visitor-days are deleted. Its figures stay; lines of it that arrive later
 *    are counted exactly in hits, bytes, panels and hours, but their visits, visitors and the
 *    human/robot split are counted as if the visitor had no other hit that day (an upper bound);
 *  - a month is **sealed** once every day of it is closed and its last day is more than `sealDays`
 *    before the clock: its visitor set is deleted and its sketch is final. Later lines of it add
 *    to its visitors by the sketch's estimate.
 */

export interface Lifecycle {
  openDays: number;
  sealDays: number;
  /**
   * The most keys a panel of a period stores; a new key past it counts in the panel's totals
   * only, so a busy site's storage stays bounded (docs/storage.md).
   */
  panelKeys: number;
}

/** A site's lifecycle, from its configuration. */
export function lifecycleOf(c: Lifecycle): Lifecycle {
  return { openDays: c.openDays, sealDays: c.sealDays, panelKeys: c.panelKeys };
}

const DAY_MS = 86_400_000;

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The clock after a chunk whose latest day is `latest`, on the worker's date `today`. */
export function nextClock(
  clock: string | null,
  latest: string | null,
  today: string,
): string | null {
  if (latest === null) return clock;
  const limit = addDays(today, 1);
  const capped = latest > limit ? limit : latest;
  return clock === null || capped > clock ? capped : clock;
}

/** Days before this one are closed (null: nothing is). */
export function closedBefore(clock: string | null, l: Lifecycle): string | null {
  return clock === null ? null : addDays(clock, -l.openDays);
}

/** Months before this one (YYYY-MM) are sealed (null: none is). */
export function sealedBefore(clock: string | null, l: Lifecycle): string | null {
  return clock === null ? null : addDays(clock, -l.sealDays).slice(0, 7);
}
