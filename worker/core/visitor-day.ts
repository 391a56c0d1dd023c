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
  /** Time of the visit's last page view, -1 when it has none. */
  exitAt: number;
  /** That page, null when none. */
  exit: T | null;
}

export interface VisitorDay<T = string> {
  /**
   * The client address's key (see addressKey): every visitor-day of one address on one day
   * shares it, so that rules can read an address's day as a whole.
   */
  addr: string;
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
  /** Hits on static assets (stylesheets, scripts, images…): what browsers fetch and crawlers skip. */
  assets: number;
  /** Requests for a probe path (`/.env`, `/.git/`…) answered 4xx: looking for weak spots. */
  probes: number;
  /** Page views of forms (login, join, password…: `formPaths`). */
  formPages: number;
  /** Hits with another site's referer, with a search engine's, from an image search; downloads. */
  refHits: number;
  searchHits: number;
  imageHits: number;
  downloadHits: number;
  /** Per local hour with hits: [hour, hits, pages, …] flattened, hours in order. */
  hourly: number[];
  /** Its page views: [path, views, bytes], paths in order (the pages panel is derived from them). */
  views: [path: T, views: number, bytes: number][];
  spans: Span<T>[];
}

export interface RobotRules {
  robotPostBurst: number;
  robotErrorLimit: number;
  /** An address with at least this many user agents in a day and not one asset request is a robot. */
  robotAgentLimit: number;
  /** An address with at least this many page views in a day, at `robotPageRate` a minute or more of its activity, is a robot. */
  robotCrawlPages: number;
  robotPageRate: number;
}

/**
 * Why a visitor-day counts as a robot by its own record, or null. Every rule reads merged
 * counters only, so no split of the log can change the answer.
 */
export function robotReason(
  v: Pick<
    VisitorDay,
    | "uaRobot"
    | "robotsTxt"
    | "pages"
    | "downloadHits"
    | "posts"
    | "errors"
    | "probes"
    | "formPages"
    | "assets"
  >,
  rules: RobotRules,
): string | null {
  if (v.uaRobot) return "user agent";
  if (v.robotsTxt > 0) return "asked for /robots.txt";
  if (v.probes > 0) return "probed for weak spots";
  // A file fetched from a link on another site is a person's download, not a robot's hit.
  if (v.pages === 0 && v.downloadHits === 0) return "no page views";
  if (v.posts >= rules.robotPostBurst) return "burst of POSTs";
  // Forms without reading: it viewed a form (login, join…) without its browser loading any
  // stylesheet, script or image, or posted one with more than half its page views on forms.
  // People's browsers load the site's assets; people read before they sign up.
  if (v.formPages > 0 && (v.assets === 0 || (v.posts > 0 && 2 * v.formPages > v.pages)))
    return "forms without reading";
  if (v.errors > rules.robotErrorLimit) return "many 4xx answers";
  return null;
}

/** What the rules read of one address's day: its visitor-days summed. */
export interface AddressDay {
  agents: number;
  assets: number;
  probes: number;
  pages: number;
  /** Seconds covered by the union of its visits. */
  activeSeconds: number;
}

/**
 * Why every visitor-day of an address's day counts as a robot, or null. A rule per address must
 * not swallow the people behind one (a carrier's NAT, Google's image proxies): each rule asks for
 * what people do not do — probe for files a site does not have, rotate many agents without loading
 * a single stylesheet or image, read pages faster than anyone reads.
 */
export function addressReason(a: AddressDay, rules: RobotRules): string | null {
  if (a.probes > 0) return "address probed for weak spots";
  if (a.agents >= rules.robotAgentLimit && a.assets === 0) return "address rotating agents";
  if (
    a.pages >= rules.robotCrawlPages &&
    a.pages * 60 >= rules.robotPageRate * Math.max(60, a.activeSeconds)
  )
    return "address crawling";
  return null;
}

/** Sums visitor-days of one address's day (their merged records, in any order). */
export function addressDayOf(records: Iterable<VisitorDay>): AddressDay {
  const a: AddressDay = { agents: 0, assets: 0, probes: 0, pages: 0, activeSeconds: 0 };
  const spans: [number, number][] = [];
  for (const v of records) {
    a.agents++;
    a.assets += v.assets;
    a.probes += v.probes;
    a.pages += v.pages;
    for (const s of v.spans) spans.push([s.start, s.end]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  let end = -1;
  for (const [s, e] of spans) {
    if (s > end) a.activeSeconds += e - s + 1;
    else if (e > end) a.activeSeconds += e - end;
    if (e > end) end = e;
  }
  return a;
}

/**
 * Adds the span `n` to `spans`, kept sorted and merged: spans closer than or exactly `gap` apart
 * become one. The earliest page wins the entry and the latest the exit; a tie in the same second
 * goes to `before` for the entry and against it for the exit, so the result never depends on
 * arrival order.
 */
export function addSpan<T>(
  spans: Span<T>[],
  n: Span<T>,
  gap: number,
  before: (a: T, b: T) => boolean,
): void {
  const count = spans.length;
  if (count === 0) {
    spans.push({ ...n });
    return;
  }
  const last = spans[count - 1];
  // Fast path for logs in rough time order (servers write lines when requests end, so a few
  // seconds back is common): the new span meets the last visit and cannot reach the one before.
  if (
    n.start <= last.end + gap &&
    n.end >= last.start - gap &&
    (count === 1 || n.start > spans[count - 2].end + gap)
  ) {
    if (n.start < last.start) last.start = n.start;
    if (n.end > last.end) last.end = n.end;
    takePages(last, n, before);
    return;
  }
  if (n.start > last.end + gap) {
    spans.push({ ...n });
    return;
  }
  const merged: Span<T> = { ...n };
  let at = 0;
  let w = 0;
  for (let r = 0; r < count; r++) {
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
    takePages(merged, s, before);
  }
  spans.length = w;
  spans.splice(at, 0, merged);
}

/** The entry and exit of `span` after merging `o` into it. */
function takePages<T>(span: Span<T>, o: Span<T>, before: (a: T, b: T) => boolean): void {
  if (o.entryAt >= 0 && o.entry !== null) {
    if (
      span.entryAt < 0 ||
      o.entryAt < span.entryAt ||
      (o.entryAt === span.entryAt && span.entry !== null && before(o.entry, span.entry))
    ) {
      span.entryAt = o.entryAt;
      span.entry = o.entry;
    }
  }
  if (o.exitAt >= 0 && o.exit !== null) {
    if (
      span.exitAt < 0 ||
      o.exitAt > span.exitAt ||
      (o.exitAt === span.exitAt && span.exit !== null && before(span.exit, o.exit))
    ) {
      span.exitAt = o.exitAt;
      span.exit = o.exit;
    }
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
  a.assets += b.assets;
  a.probes += b.probes;
  a.formPages += b.formPages;
  a.refHits += b.refHits;
  a.searchHits += b.searchHits;
  a.imageHits += b.imageHits;
  a.downloadHits += b.downloadHits;
  a.hourly = mergeHourly(a.hourly, b.hourly);
  a.views = mergeViews(a.views, b.views);
  for (const s of b.spans) addSpan(a.spans, s, gap, stringBefore);
  return a;
}

/** Two [hour, hits, pages, …] lists summed, hours in order. */
export function mergeHourly(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return [...b];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) {
      out.push(a[i], a[i + 1], a[i + 2]);
      i += 3;
    } else if (i >= a.length || b[j] < a[i]) {
      out.push(b[j], b[j + 1], b[j + 2]);
      j += 3;
    } else {
      out.push(a[i], a[i + 1] + b[j + 1], a[i + 2] + b[j + 2]);
      i += 3;
      j += 3;
    }
  }
  return out;
}

/** Two page-view lists summed, paths in order. */
export function mergeViews(
  a: [string, number, number][],
  b: [string, number, number][],
): [string, number, number][] {
  if (b.length === 0) return a;
  if (a.length === 0) return b.map((v) => [v[0], v[1], v[2]]);
  const out: [string, number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i][0] < b[j][0])) out.push(a[i++]);
    else if (i >= a.length || b[j][0] < a[i][0]) {
      out.push([b[j][0], b[j][1], b[j][2]]);
      j++;
    } else {
      out.push([a[i][0], a[i][1] + b[j][1], a[i][2] + b[j][2]]);
      i++;
      j++;
    }
  }
  return out;
}

export function cloneVisitorDay(v: VisitorDay): VisitorDay {
  return {
    ...v,
    hourly: [...v.hourly],
    views: v.views.map((x) => [x[0], x[1], x[2]]),
    spans: v.spans.map((s) => ({ ...s })),
  };
}
