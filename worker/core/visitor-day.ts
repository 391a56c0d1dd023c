/**
 * A visitor-day — one (client address, user agent) on one day — is the unit from which every
 * order-dependent figure is derived: visits, entry pages, unique visitors and the human/robot
 * split. Its fields are sums, maxima, bit masks and merged time spans, so two records of the same
 * visitor-day built from any two parts of a log merge into the record of the whole log, whatever
 * the split and the order (see `mergeVisitorDay`). That is what makes chunked uploads exact.
 */

/** A visit: hits with no gap over the visit gap. Times are seconds of the visitor-day's local day. */
export interface Span<T> {
  start: number;
  end: number;
  /** Time of the visit's first page view, -1 when it has none. */
  entryAt: number;
  /** That page (its path), null when none. */
  entry: T | null;
}

export interface VisitorDay<T = string> {
  hits: number;
  bytes: number;
  pages: number;
  /** Hits answered 4xx. */
  errors: number;
  posts: number;
  /** Requests for /robots.txt. */
  robotsTxt: number;
  /** 1 when the user agent is a known crawler. */
  uaRobot: number;
  /** Bit h set when a hit fell in local hour h. */
  hours: number;
  spans: Span<T>[];
}

export interface RobotRules {
  robotPostBurst: number;
  robotErrorLimit: number;
}

/** Why a visitor-day counts as a robot, or null for a human. Every rule reads merged counters only. */
export function robotReason(
  v: Pick<VisitorDay, "uaRobot" | "robotsTxt" | "pages" | "posts" | "errors">,
  rules: RobotRules,
): string | null {
  if (v.uaRobot) return "user agent";
  if (v.robotsTxt > 0) return "asked for /robots.txt";
  if (v.pages === 0) return "no page views";
  if (v.posts >= rules.robotPostBurst) return "burst of POSTs";
  if (v.errors > rules.robotErrorLimit) return "many 4xx answers";
  return null;
}

/**
 * Adds the span [start, end] (with its entry page) to `spans`, kept sorted and merged: spans
 * closer than or exactly `gap` apart become one. The earliest page wins the entry; a tie in the
 * same second goes to `before`, so the result never depends on arrival order.
 */
export function addSpan<T>(
  spans: Span<T>[],
  start: number,
  end: number,
  entryAt: number,
  entry: T | null,
  gap: number,
  before: (a: T, b: T) => boolean,
): void {
  const n = spans.length;
  if (n === 0) {
    spans.push({ start, end, entryAt, entry });
    return;
  }
  const last = spans[n - 1];
  // Fast path for logs in rough time order (servers write lines when requests end, so a few
  // seconds back is common): the new span meets the last visit and cannot reach the one before.
  if (
    start <= last.end + gap &&
    end >= last.start - gap &&
    (n === 1 || start > spans[n - 2].end + gap)
  ) {
    if (start < last.start) last.start = start;
    if (end > last.end) last.end = end;
    takeEntry(last, entryAt, entry, before);
    return;
  }
  if (start > last.end + gap) {
    spans.push({ start, end, entryAt, entry });
    return;
  }
  const merged: Span<T> = { start, end, entryAt, entry };
  let at = 0;
  let w = 0;
  for (let r = 0; r < n; r++) {
    const s = spans[r];
    if (s.end + gap < merged.start) {
      spans[w++] = s;
      at = w;
      continue;
    }
    if (s.start - gap > merged.end) {
      spans[w++] = s;
      continue;
    }
    if (s.start < merged.start) merged.start = s.start;
    if (s.end > merged.end) merged.end = s.end;
    takeEntry(merged, s.entryAt, s.entry, before);
  }
  spans.length = w;
  spans.splice(at, 0, merged);
}

function takeEntry<T>(
  span: Span<T>,
  entryAt: number,
  entry: T | null,
  before: (a: T, b: T) => boolean,
): void {
  if (entryAt < 0 || entry === null) return;
  if (
    span.entryAt < 0 ||
    entryAt < span.entryAt ||
    (entryAt === span.entryAt && span.entry !== null && before(entry, span.entry))
  ) {
    span.entryAt = entryAt;
    span.entry = entry;
  }
}

export const stringBefore = (a: string, b: string): boolean => a < b;

/** Merges `b` into `a` (both of the same visitor-day); returns `a`. */
export function mergeVisitorDay(a: VisitorDay, b: VisitorDay, gap: number): VisitorDay {
  a.hits += b.hits;
  a.bytes += b.bytes;
  a.pages += b.pages;
  a.errors += b.errors;
  a.posts += b.posts;
  a.robotsTxt += b.robotsTxt;
  a.uaRobot = a.uaRobot | b.uaRobot;
  a.hours = a.hours | b.hours;
  for (const s of b.spans) addSpan(a.spans, s.start, s.end, s.entryAt, s.entry, gap, stringBefore);
  return a;
}

export function cloneVisitorDay(v: VisitorDay): VisitorDay {
  return { ...v, spans: v.spans.map((s) => ({ ...s })) };
}
