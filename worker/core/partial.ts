import type { PanelId, Row } from "./panels";
import type { VisitorDay } from "./visitor-day";
import { cloneVisitorDay, mergeVisitorDay } from "./visitor-day";

/** One hit of a watched visitor, kept whole for the report's trail. */
export interface WatchedHit {
  /** Local time `YYYY-MM-DD HH:MM:SS`. */
  at: string;
  address: string;
  agent: string;
  method: string;
  url: string;
  status: number;
  bytes: number;
  referer: string;
}

export interface RejectedSample {
  /** 1-based line number within the analysed text. */
  line: number;
  reason: string;
  text: string;
  /** The month it is counted in (its nearest parsed line's), null when the text had none. */
  month: string | null;
}

/**
 * A month's visitor-days by key (`YYYY-MM-DD visitorKey`). A `Map` is one; an analysis returns a
 * lighter one that builds each record when it is read (see MonthVisitorDays), so a record read
 * by iteration may be a fresh object each time: change a visitor-day through `get`, then `set`.
 */
export interface VisitorDays extends Iterable<[string, VisitorDay]> {
  readonly size: number;
  get(key: string): VisitorDay | undefined;
  set(key: string, v: VisitorDay): unknown;
  keys(): Iterable<string>;
  values(): Iterable<VisitorDay>;
}

/** What a part of a log contributes to one month; merging two parts gives the whole's. */
export interface MonthPartial {
  panels: Partial<Record<PanelId, Record<string, Row>>>;
  /** 24 × [hits, pages, bytes, robot hits (by user agent)] by local hour, flattened. */
  hours: number[];
  /** Keyed `YYYY-MM-DD visitorKey`. */
  visitorDays: VisitorDays;
  watched: WatchedHit[];
  /** Rejected lines, attributed to the month of the nearest parsed line before them (else after). */
  rejected: number;
}

/** The mergeable result of analysing a text: the unit an ingest stores. */
export interface AnalysisPartial {
  lines: number;
  hits: number;
  rejected: number;
  reasons: Record<string, number>;
  samples: RejectedSample[];
  months: Record<string, MonthPartial>;
}

/**
 * An empty object for rows by a key read from a log (a path, a referer, search terms…): without a
 * prototype, so that a key spelled `__proto__` or `constructor` is a row like any other, where in
 * `{}` the first would set the object's prototype (the row lost) and the second read a function.
 * V8 also keeps such an object as a dictionary from the start: no hidden class per new key.
 */
export const keyedBy = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export const MAX_SAMPLES = 5;
/** Watched hits kept per month (the earliest ones). */
export const MAX_WATCHED = 5000;

export function emptyMonth(): MonthPartial {
  return {
    panels: {},
    hours: new Array(96).fill(0),
    visitorDays: new Map(),
    watched: [],
    rejected: 0,
  };
}

export function emptyPartial(): AnalysisPartial {
  return { lines: 0, hits: 0, rejected: 0, reasons: {}, samples: [], months: {} };
}

/** Merges `b` into `a` and returns `a` (b is left untouched). */
export function mergePartials(
  a: AnalysisPartial,
  b: AnalysisPartial,
  gap: number,
): AnalysisPartial {
  a.lines += b.lines;
  a.hits += b.hits;
  a.rejected += b.rejected;
  for (const r in b.reasons) a.reasons[r] = (a.reasons[r] ?? 0) + b.reasons[r];
  for (const s of b.samples) if (a.samples.length < MAX_SAMPLES) a.samples.push(s);
  for (const m in b.months) a.months[m] = mergeMonth(a.months[m] ?? emptyMonth(), b.months[m], gap);
  return a;
}

export function mergeMonth(a: MonthPartial, b: MonthPartial, gap: number): MonthPartial {
  for (const id in b.panels) {
    const pid = id as PanelId;
    const into = (a.panels[pid] ??= keyedBy<Row>());
    const from = b.panels[pid]!;
    for (const key in from) {
      const r = from[key];
      const t = into[key];
      if (t === undefined) into[key] = [r[0], r[1], r[2], r[3]];
      else {
        t[0] += r[0];
        t[1] += r[1];
        t[2] += r[2];
        if (r[3] > t[3]) t[3] = r[3];
      }
    }
  }
  for (let i = 0; i < 96; i++) a.hours[i] += b.hours[i];
  for (const [k, bv] of b.visitorDays) {
    const v = a.visitorDays.get(k);
    if (v === undefined) a.visitorDays.set(k, cloneVisitorDay(bv));
    else mergeVisitorDay(v, bv, gap);
  }
  a.watched = mergeWatched(a.watched, b.watched);
  a.rejected += b.rejected;
  return a;
}

/** Watched hits in time order (ties by their text), the earliest MAX_WATCHED kept: independent of arrival order. */
export function mergeWatched(a: WatchedHit[], b: WatchedHit[]): WatchedHit[] {
  const all = a.concat(b);
  const key = (w: WatchedHit) =>
    `${w.at}\u0000${w.address}\u0000${w.agent}\u0000${w.url}\u0000${w.method}\u0000${w.status}\u0000${w.bytes}\u0000${w.referer}`;
  all.sort((x, y) => {
    const kx = key(x);
    const ky = key(y);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });
  return all.length > MAX_WATCHED ? all.slice(0, MAX_WATCHED) : all;
}

/**
 * Two 32-bit hashes of a string (FNV-1a and a murmur-style mix), written at out[at], out[at+1].
 * Never both zero, so zero can mean "not computed yet".
 */
export function hashInto(s: string, out: Int32Array, at: number): void {
  hashCodesInto(s.length, (i) => s.charCodeAt(i), out, at);
}

const quad = new Uint8Array(15);

/**
 * hashInto of an IPv4 address's dotted text, from the address as a 32-bit number (the analyzer
 * keeps most addresses as numbers): the same two hashes, without building the string.
 */
export function hashIPv4Into(v: number, out: Int32Array, at: number): void {
  let n = 0;
  for (let shift = 24; shift >= 0; shift -= 8) {
    const o = (v >>> shift) & 255;
    if (o >= 100) quad[n++] = 48 + ((o / 100) | 0);
    if (o >= 10) quad[n++] = 48 + (((o / 10) | 0) % 10);
    quad[n++] = 48 + (o % 10);
    if (shift > 0) quad[n++] = 46;
  }
  hashCodesInto(n, (i) => quad[i], out, at);
}

/** The two hashes of hashInto, over `length` character codes. */
function hashCodesInto(
  length: number,
  codeAt: (i: number) => number,
  out: Int32Array,
  at: number,
): void {
  let h1 = 0x811c9dc5 ^ length;
  let h2 = 0x9747b28c ^ length;
  for (let i = 0; i < length; i++) {
    const c = codeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  out[at] = h1 | 1;
  out[at + 1] = h2;
}

/** The 64 characters of a visitor key, each worth 6 bits (its index here). */
export const KEY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const KEY_CODES = Array.from(KEY_ALPHABET, (c) => c.charCodeAt(0));

/**
 * A visitor's stable key: 11 URL-safe characters (6 bits each) from the hashes of its address and
 * user agent (see hashInto). The first character depends on the address alone, so every visitor
 * of one address falls in the same bucket of a day's records (worker/db/queries/day-buckets.ts);
 * the other ten (60 bits) mix address and agent, and are what visitor sets and sketches read. The
 * report never needs the address back, so visitor-days store none. With a `date` (YYYY-MM-DD):
 * the visitor-day's key, `${date} ${key}`, built as one flat string (a concatenation is a rope
 * that a Map flattens again).
 */
export function visitorKey(ip1: number, ip2: number, ua1: number, ua2: number, date = ""): string {
  let a = Math.imul(ip1 ^ Math.imul(ua1, 0x9e3779b1), 0x85ebca6b);
  a ^= a >>> 13;
  let b = Math.imul(ip2 + Math.imul(ua2 ^ (ua2 >>> 16), 0xc2b2ae35), 0x27d4eb2f);
  b ^= b >>> 16;
  const ip = Math.imul(ip1 ^ (ip2 >>> 7), 0x9e3779b1);
  const c = KEY_CODES;
  const k0 = c[ip >>> 26],
    k1 = c[a & 63],
    k2 = c[(a >>> 6) & 63],
    k3 = c[(a >>> 12) & 63],
    k4 = c[(a >>> 18) & 63],
    k5 = c[(a >>> 24) & 63],
    k6 = c[((a >>> 30) | (b << 2)) & 63],
    k7 = c[(b >>> 4) & 63],
    k8 = c[(b >>> 10) & 63],
    k9 = c[(b >>> 16) & 63],
    k10 = c[(b >>> 22) & 63];
  if (date === "") return String.fromCharCode(k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
  const d = (i: number) => date.charCodeAt(i);
  return String.fromCharCode(
    d(0),
    d(1),
    d(2),
    d(3),
    d(4),
    d(5),
    d(6),
    d(7),
    d(8),
    d(9),
    32,
    k0,
    k1,
    k2,
    k3,
    k4,
    k5,
    k6,
    k7,
    k8,
    k9,
    k10,
  );
}

/**
 * A client address's key: 11 characters like a visitor key, the first one the same as every
 * visitor key of that address (see visitorKey), the other ten from the address's hashes alone.
 */
export function addressKey(ip1: number, ip2: number): string {
  const ip = Math.imul(ip1 ^ (ip2 >>> 7), 0x9e3779b1);
  let a = Math.imul(ip1 ^ 0x5bd1e995, 0xcc9e2d51);
  a ^= a >>> 15;
  let b = Math.imul(ip2 ^ (ip1 >>> 11), 0x1b873593);
  b ^= b >>> 13;
  const c = KEY_CODES;
  return String.fromCharCode(
    c[ip >>> 26],
    c[a & 63],
    c[(a >>> 6) & 63],
    c[(a >>> 12) & 63],
    c[(a >>> 18) & 63],
    c[(a >>> 24) & 63],
    c[((a >>> 30) | (b << 2)) & 63],
    c[(b >>> 4) & 63],
    c[(b >>> 10) & 63],
    c[(b >>> 16) & 63],
    c[(b >>> 22) & 63],
  );
}

/** addressKey of an address's text. */
export function addressKeyOf(address: string): string {
  const h = new Int32Array(2);
  hashInto(address, h, 0);
  return addressKey(h[0], h[1]);
}

/** visitorKey of two strings (tests, and callers without cached hashes). */
export function visitorKeyOf(address: string, agent: string): string {
  const h = new Int32Array(4);
  hashInto(address, h, 0);
  hashInto(agent, h, 2);
  return visitorKey(h[0], h[1], h[2], h[3]);
}
