import type { VisitorDays } from "./partial";
import type { MonthTally, Tallies } from "./report";
import type { AddressDay, RobotRules, Span, VisitorDay } from "./visitor-day";
import { addressReason, addSpan, robotReason } from "./visitor-day";
import { durationOf, visitHour } from "./contribution";
import { dayToDate } from "./log-clock";
import { grow } from "./grow";

/** What a line is, for its visitor-day's counters (bits of `hit`'s `kind`). */
export const HIT_ERROR = 1;
export const HIT_POST = 2;
export const HIT_ROBOTS_TXT = 4;
export const HIT_UA_ROBOT = 8;
export const HIT_ASSET = 16;
export const HIT_PROBE = 32;
export const HIT_FORM_PAGE = 64;
export const HIT_REFERER = 128;
export const HIT_SEARCH = 256;
export const HIT_IMAGE = 512;
export const HIT_DOWNLOAD = 1024;

/**
 * The visitor-days of one analysis as columns of typed arrays, one row per (day, client, agent):
 * the per-line loop adds to numbers in place and allocates nothing, where an object (and a spans
 * array) per visitor-day cost a third of the analysis in garbage collection. A row becomes a
 * `VisitorDay` once, when the analysis ends (`toVisitorDay`). Spans (visits) are kept the way
 * `addSpan` keeps them — sorted and merged — as a list per row, newest first, in pooled columns;
 * an entry page is a path id, and ties in the same second go to the smaller path (`names`).
 */
export class VisitorDayTable {
  size = 0;
  day = new Int32Array(1024);
  client = new Int32Array(1024);
  agent = new Int32Array(1024);
  hits = new Int32Array(1024);
  bytes = new Float64Array(1024);
  pages = new Int32Array(1024);
  errors = new Int32Array(1024);
  posts = new Int32Array(1024);
  robotsTxt = new Int32Array(1024);
  uaRobot = new Uint8Array(1024);
  hours = new Int32Array(1024);
  assets = new Int32Array(1024);
  probes = new Int32Array(1024);
  formPages = new Int32Array(1024);
  refHits = new Int32Array(1024);
  searchHits = new Int32Array(1024);
  imageHits = new Int32Array(1024);
  downloadHits = new Int32Array(1024);
  /** The row's latest page node (views and bytes of one path), -1 for none. */
  private lastPage = new Int32Array(1024);
  private pageCount = 0;
  private pnPath = new Int32Array(1024);
  private pnViews = new Int32Array(1024);
  private pnBytes = new Float64Array(1024);
  private pnNext = new Int32Array(1024);
  /** The row's latest hour node (hits and pages of one local hour), -1 for none. */
  private lastHour = new Int32Array(1024);
  private hourCount = 0;
  private hnHour = new Int32Array(1024);
  private hnHits = new Int32Array(1024);
  private hnPages = new Int32Array(1024);
  private hnNext = new Int32Array(1024);
  /** One more than the largest agent of any row (at least 1): client · agentBound + agent tells (client, agent) pairs apart. */
  private agentBound = 1;
  /** The row's latest span, -1 for none. */
  private lastSpan = new Int32Array(1024);

  private spanCount = 0;
  private spStart = new Int32Array(1024);
  private spEnd = new Int32Array(1024);
  private spEntryAt = new Int32Array(1024);
  /** Path id of the span's entry page, -1 for none. */
  private spEntry = new Int32Array(1024);
  private spExitAt = new Int32Array(1024);
  /** Path id of the span's exit page (its last), -1 for none. */
  private spExit = new Int32Array(1024);
  /** The span before this one in time, -1 for none. */
  private spPrev = new Int32Array(1024);
  /** Spans freed by a merge, chained through spPrev, -1 for none. */
  private free = -1;

  /**
   * Rows by (client, agent), one open-addressing table per day. Lines come in rough time order,
   * so the current day's table is small and stays in cache; one table of every row did not, and
   * each new visitor-day cost a cache miss.
   */
  private readonly dayTables = new Map<number, DayTable>();
  /** The table of the last day asked for (an empty one, of no day, before the first). */
  private today = new DayTable();
  private todayNumber = -0x80000000;

  /**
   * @param gap the visit gap in seconds
   * @param names path names by id, to break a tie between two entry pages of the same second
   */
  constructor(
    private readonly gap: number,
    private readonly names: readonly string[],
  ) {}

  /**
   * Each day's rows in the order they were added, the days in the order first seen (a day's
   * first row is added when the day is first seen).
   */
  *rowsByDay(): IterableIterator<[day: number, rows: Int32Array]> {
    for (const [day, d] of this.dayTables) yield [day, d.rows.subarray(0, d.count)];
  }

  /** The row of (day, client, agent), added when new. */
  idOf(day: number, client: number, agent: number): number {
    if (day !== this.todayNumber) this.enterDay(day);
    const d = this.today;
    const t = d.slots;
    const mask = t.length - 1;
    let i = slotOf(client, agent) >>> d.shift;
    for (;;) {
      const row = t[i];
      if (row < 0) break;
      if (this.client[row] === client && this.agent[row] === agent) return row;
      i = (i + 1) & mask;
    }
    const row = this.size++;
    if (row === this.day.length) this.growRows();
    this.day[row] = day;
    this.client[row] = client;
    this.agent[row] = agent;
    if (agent >= this.agentBound) this.agentBound = agent + 1;
    this.lastSpan[row] = -1;
    this.lastHour[row] = -1;
    this.lastPage[row] = -1;
    t[i] = row;
    if (d.count === d.rows.length) d.rows = grow(d.rows);
    d.rows[d.count] = row;
    if (++d.count * 2 > t.length) this.growDay(d);
    return row;
  }

  /**
   * A line of the row's visitor-day, at `second` of its day: its counters, its hour and its visit
   * (addHit). `entry` is its page's path id, -1 when it is not a page; `kind` holds HIT_* bits.
   */
  hit(row: number, second: number, bytes: number, entry: number, kind: number): void {
    this.hits[row]++;
    this.bytes[row] += bytes;
    if (entry >= 0) this.pages[row]++;
    if (kind !== 0) {
      if (kind & HIT_ERROR) this.errors[row]++;
      if (kind & HIT_POST) this.posts[row]++;
      if (kind & HIT_ROBOTS_TXT) this.robotsTxt[row]++;
      if (kind & HIT_UA_ROBOT) this.uaRobot[row] = 1;
      if (kind & HIT_ASSET) this.assets[row]++;
      if (kind & HIT_PROBE) this.probes[row]++;
      if (kind & HIT_FORM_PAGE) this.formPages[row]++;
      if (kind & HIT_REFERER) this.refHits[row]++;
      if (kind & HIT_SEARCH) this.searchHits[row]++;
      if (kind & HIT_IMAGE) this.imageHits[row]++;
      if (kind & HIT_DOWNLOAD) this.downloadHits[row]++;
    }
    if (entry >= 0) this.addToPage(row, entry, bytes);
    const hour = (second / 3600) | 0;
    this.hours[row] |= 1 << hour;
    this.addToHour(row, hour, entry >= 0 ? 1 : 0);
    this.addHit(row, second, entry);
  }

  /** One hit (and `pages` page views) in the row's local hour. */
  private addToHour(row: number, hour: number, pages: number): void {
    let n = this.lastHour[row];
    // Lines come in rough time order: the row's latest hour is nearly always this line's.
    while (n >= 0 && this.hnHour[n] !== hour) n = this.hnNext[n];
    if (n < 0) {
      n = this.hourCount++;
      if (n === this.hnHour.length) {
        this.hnHour = grow(this.hnHour);
        this.hnHits = grow(this.hnHits);
        this.hnPages = grow(this.hnPages);
        this.hnNext = grow(this.hnNext);
      }
      this.hnHour[n] = hour;
      this.hnHits[n] = 0;
      this.hnPages[n] = 0;
      this.hnNext[n] = this.lastHour[row];
      this.lastHour[row] = n;
    }
    this.hnHits[n]++;
    this.hnPages[n] += pages;
  }

  /** A view of page `path` (its id) by the row. */
  private addToPage(row: number, path: number, bytes: number): void {
    let n = this.lastPage[row];
    while (n >= 0 && this.pnPath[n] !== path) n = this.pnNext[n];
    if (n < 0) {
      n = this.pageCount++;
      if (n === this.pnPath.length) {
        this.pnPath = grow(this.pnPath);
        this.pnViews = grow(this.pnViews);
        this.pnBytes = grow(this.pnBytes);
        this.pnNext = grow(this.pnNext);
      }
      this.pnPath[n] = path;
      this.pnViews[n] = 0;
      this.pnBytes[n] = 0;
      this.pnNext[n] = this.lastPage[row];
      this.lastPage[row] = n;
    }
    this.pnViews[n]++;
    this.pnBytes[n] += bytes;
  }

  /** The row's page views: [path, views, bytes], paths in order. */
  viewsOf(row: number): [string, number, number][] {
    const out: [string, number, number][] = [];
    for (let n = this.lastPage[row]; n >= 0; n = this.pnNext[n])
      out.push([this.names[this.pnPath[n]], this.pnViews[n], this.pnBytes[n]]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The row's [hour, hits, pages, …], hours in order. */
  private hourlyOf(row: number): number[] {
    const nodes: number[] = [];
    for (let n = this.lastHour[row]; n >= 0; n = this.hnNext[n]) nodes.push(n);
    nodes.sort((a, b) => this.hnHour[a] - this.hnHour[b]);
    const out: number[] = [];
    for (const n of nodes) out.push(this.hnHour[n], this.hnHits[n], this.hnPages[n]);
    return out;
  }

  /** A hit at `second` of the row's day; `entry` is its page's path id, -1 when it is not a page. */
  addHit(row: number, second: number, entry: number): void {
    const gap = this.gap;
    const last = this.lastSpan[row];
    if (last < 0 || second > this.spEnd[last] + gap) {
      this.lastSpan[row] = this.newSpan(second, entry, last);
      return;
    }
    // The hit meets the last visit and cannot reach the one before (logs come in rough time order).
    const prev = this.spPrev[last];
    if (second >= this.spStart[last] - gap && (prev < 0 || second > this.spEnd[prev] + gap)) {
      if (second < this.spStart[last]) this.spStart[last] = second;
      if (second > this.spEnd[last]) this.spEnd[last] = second;
      if (entry >= 0) {
        const at = this.spEntryAt[last];
        if (
          at < 0 ||
          second < at ||
          (second === at && this.names[entry] < this.names[this.spEntry[last]])
        ) {
          this.spEntryAt[last] = second;
          this.spEntry[last] = entry;
        }
        const out = this.spExitAt[last];
        if (
          out < 0 ||
          second > out ||
          (second === out && this.names[this.spExit[last]] < this.names[entry])
        ) {
          this.spExitAt[last] = second;
          this.spExit[last] = entry;
        }
      }
      return;
    }
    // Further back in time: merge by the definition, on objects, and write the list back.
    // The row's nodes are reused (a merge frees some), so the pool stays as large as the live spans.
    const spans = this.spansOf(row);
    for (let s = last; s >= 0; ) {
      const prev = this.spPrev[s];
      this.spPrev[s] = this.free;
      this.free = s;
      s = prev;
    }
    const page = entry >= 0 ? entry : null;
    const at = entry >= 0 ? second : -1;
    addSpan(
      spans,
      { start: second, end: second, entryAt: at, entry: page, exitAt: at, exit: page },
      gap,
      (a, b) => this.names[a] < this.names[b],
    );
    let id = -1;
    for (const s of spans)
      id = this.newSpan(s.start, s.entry ?? -1, id, s.end, s.entryAt, s.exitAt, s.exit ?? -1);
    this.lastSpan[row] = id;
  }

  /**
   * Sums rows into a month's tally as their records would (see monthReport), without building
   * them: a visitor is told apart by its (client, agent) ids, as one number, rather than by its key.
   * An address's day is its rows of one (day, client): the address rules read their sums.
   */
  tallyRows(
    rows: ArrayLike<number> & Iterable<number>,
    tally: MonthTally,
    rules: RobotRules,
  ): void {
    const agents = this.agentBound;
    const counters = {
      uaRobot: 0,
      robotsTxt: 0,
      pages: 0,
      downloadHits: 0,
      posts: 0,
      errors: 0,
      probes: 0,
      formPages: 0,
      assets: 0,
    };
    const byAddress = this.addressReasons(rows, rules);
    let day = NaN,
      date = "";
    for (const row of rows) {
      if (this.day[row] !== day) date = dayToDate((day = this.day[row]));
      counters.uaRobot = this.uaRobot[row];
      counters.robotsTxt = this.robotsTxt[row];
      counters.pages = this.pages[row];
      counters.downloadHits = this.downloadHits[row];
      counters.posts = this.posts[row];
      counters.errors = this.errors[row];
      counters.probes = this.probes[row];
      counters.formPages = this.formPages[row];
      counters.assets = this.assets[row];
      const reason =
        robotReason(counters, rules) ??
        byAddress.get(this.day[row] * 0x100000000 + this.client[row]) ??
        null;
      if (reason !== null) {
        if (this.uaRobot[row]) tally.robot(date, this.hits[row], this.bytes[row], reason, null);
        else
          tally.robot(date, this.hits[row], this.bytes[row], reason, {
            pages: this.pages[row],
            refHits: this.refHits[row],
            searchHits: this.searchHits[row],
            imageHits: this.imageHits[row],
            downloadHits: this.downloadHits[row],
            hourly: this.hourlyOf(row),
          });
        continue;
      }
      tally.human(
        date,
        this.client[row] * agents + this.agent[row],
        this.hits[row],
        this.bytes[row],
        this.pages[row],
        this.hours[row],
      );
      // Its page views by hour and by path, straight from its lists: sums need no order.
      for (let n = this.lastHour[row]; n >= 0; n = this.hnNext[n])
        tally.hourPages[this.hnHour[n]] += this.hnPages[n];
      for (let n = this.lastPage[row]; n >= 0; n = this.pnNext[n])
        tally.pageView(this.names[this.pnPath[n]], this.pnViews[n], this.pnBytes[n]);
      for (let s = this.lastSpan[row]; s >= 0; s = this.spPrev[s]) {
        tally.visit(
          visitHour(this.spStart[s]),
          durationOf(this.spEnd[s] - this.spStart[s]),
          this.spEntry[s] >= 0 ? this.names[this.spEntry[s]] : null,
          this.spExit[s] >= 0 ? this.names[this.spExit[s]] : null,
        );
      }
    }
  }

  /**
   * The address rules' answer for each (day, client) of `rows` that they make a robot, keyed
   * day · 2³² + client.
   */
  private addressReasons(rows: Iterable<number>, rules: RobotRules): Map<number, string> {
    const sums = new Map<number, AddressDay & { spans: [number, number][] }>();
    for (const row of rows) {
      const key = this.day[row] * 0x100000000 + this.client[row];
      let a = sums.get(key);
      if (a === undefined)
        sums.set(
          key,
          (a = { agents: 0, assets: 0, probes: 0, pages: 0, activeSeconds: 0, spans: [] }),
        );
      a.agents++;
      a.assets += this.assets[row];
      a.probes += this.probes[row];
      a.pages += this.pages[row];
    }
    // Most addresses have one agent and cannot trip a rule: only the others' spans are gathered.
    const trips = (a: AddressDay) =>
      a.probes > 0 || a.agents >= rules.robotAgentLimit || a.pages >= rules.robotCrawlPages;
    for (const row of rows) {
      const a = sums.get(this.day[row] * 0x100000000 + this.client[row])!;
      if (!trips(a)) continue;
      for (let s = this.lastSpan[row]; s >= 0; s = this.spPrev[s])
        a.spans.push([this.spStart[s], this.spEnd[s]]);
    }
    const out = new Map<number, string>();
    for (const [key, a] of sums) {
      if (!trips(a)) continue;
      a.spans.sort((x, y) => x[0] - y[0]);
      let end = -1;
      for (const [s, e] of a.spans) {
        if (s > end) a.activeSeconds += e - s + 1;
        else if (e > end) a.activeSeconds += e - end;
        if (e > end) end = e;
      }
      const reason = addressReason(a, rules);
      if (reason !== null) out.set(key, reason);
    }
    return out;
  }

  /** The row as the partial's record (spans sorted by time, pages as path names); `addr` its address's key. */
  toVisitorDay(row: number, addr: string): VisitorDay {
    let n = 0;
    for (let s = this.lastSpan[row]; s >= 0; s = this.spPrev[s]) n++;
    const spans = new Array<Span<string>>(n);
    for (let s = this.lastSpan[row]; s >= 0; s = this.spPrev[s]) {
      spans[--n] = {
        start: this.spStart[s],
        end: this.spEnd[s],
        entryAt: this.spEntryAt[s],
        entry: this.spEntry[s] < 0 ? null : this.names[this.spEntry[s]],
        exitAt: this.spExitAt[s],
        exit: this.spExit[s] < 0 ? null : this.names[this.spExit[s]],
      };
    }
    return {
      addr,
      hits: this.hits[row],
      bytes: this.bytes[row],
      pages: this.pages[row],
      errors: this.errors[row],
      posts: this.posts[row],
      robotsTxt: this.robotsTxt[row],
      uaRobot: this.uaRobot[row],
      hours: this.hours[row],
      assets: this.assets[row],
      probes: this.probes[row],
      formPages: this.formPages[row],
      refHits: this.refHits[row],
      searchHits: this.searchHits[row],
      imageHits: this.imageHits[row],
      downloadHits: this.downloadHits[row],
      hourly: this.hourlyOf(row),
      views: this.viewsOf(row),
      spans,
    };
  }

  private spansOf(row: number): Span<number>[] {
    const spans: Span<number>[] = [];
    for (let s = this.lastSpan[row]; s >= 0; s = this.spPrev[s]) {
      spans.push({
        start: this.spStart[s],
        end: this.spEnd[s],
        entryAt: this.spEntryAt[s],
        entry: this.spEntry[s] < 0 ? null : this.spEntry[s],
        exitAt: this.spExitAt[s],
        exit: this.spExit[s] < 0 ? null : this.spExit[s],
      });
    }
    return spans.reverse();
  }

  private newSpan(
    start: number,
    entry: number,
    prev: number,
    end = start,
    entryAt = entry >= 0 ? start : -1,
    exitAt = entryAt,
    exit = entry,
  ): number {
    let id = this.free;
    if (id >= 0) this.free = this.spPrev[id];
    else id = this.spanCount++;
    if (id === this.spStart.length) {
      this.spStart = grow(this.spStart);
      this.spEnd = grow(this.spEnd);
      this.spEntryAt = grow(this.spEntryAt);
      this.spEntry = grow(this.spEntry);
      this.spExitAt = grow(this.spExitAt);
      this.spExit = grow(this.spExit);
      this.spPrev = grow(this.spPrev);
    }
    this.spStart[id] = start;
    this.spEnd[id] = end;
    this.spEntryAt[id] = entryAt;
    this.spEntry[id] = entry;
    this.spExitAt[id] = exitAt;
    this.spExit[id] = exit;
    this.spPrev[id] = prev;
    return id;
  }

  private growRows(): void {
    this.day = grow(this.day);
    this.client = grow(this.client);
    this.agent = grow(this.agent);
    this.hits = grow(this.hits);
    this.bytes = grow(this.bytes);
    this.pages = grow(this.pages);
    this.errors = grow(this.errors);
    this.posts = grow(this.posts);
    this.robotsTxt = grow(this.robotsTxt);
    this.uaRobot = grow(this.uaRobot);
    this.hours = grow(this.hours);
    this.assets = grow(this.assets);
    this.probes = grow(this.probes);
    this.formPages = grow(this.formPages);
    this.refHits = grow(this.refHits);
    this.searchHits = grow(this.searchHits);
    this.imageHits = grow(this.imageHits);
    this.downloadHits = grow(this.downloadHits);
    this.lastHour = grow(this.lastHour);
    this.lastPage = grow(this.lastPage);
    this.lastSpan = grow(this.lastSpan);
  }

  private enterDay(day: number): void {
    let d = this.dayTables.get(day);
    if (d === undefined) this.dayTables.set(day, (d = new DayTable()));
    this.today = d;
    this.todayNumber = day;
  }

  private growDay(d: DayTable): void {
    const old = d.slots;
    const t = (d.slots = new Int32Array(old.length * 2).fill(-1));
    d.shift--;
    const mask = t.length - 1;
    for (const row of old) {
      if (row < 0) continue;
      let i = slotOf(this.client[row], this.agent[row]) >>> d.shift;
      while (t[i] >= 0) i = (i + 1) & mask;
      t[i] = row;
    }
  }
}

/** One day's rows: slot → row, -1 empty; the slot is the hash's top bits. */
class DayTable {
  slots = new Int32Array(64).fill(-1);
  shift = 32 - 6;
  count = 0;
  /** The day's rows in the order added (the first `count`). */
  rows = new Int32Array(32);
}

/**
 * Some rows of a table (one month's, in the order given) as a partial's visitor-days. A record is
 * built each time it is read and dropped after: 200,000 records held until the report is done
 * cost more in garbage collection than building them. The first `get` or `set` makes the view a
 * Map of its own (a merge target).
 */
export class MonthVisitorDays implements VisitorDays, Tallies {
  private map: Map<string, VisitorDay> | null = null;

  constructor(
    private readonly table: VisitorDayTable,
    private readonly rows: ArrayLike<number> & Iterable<number>,
    private readonly keyOf: (row: number) => string,
    private readonly addrOf: (row: number) => string,
  ) {}

  get size(): number {
    return this.map === null ? this.rows.length : this.map.size;
  }

  get(key: string): VisitorDay | undefined {
    return this.owned().get(key);
  }

  set(key: string, v: VisitorDay): this {
    this.owned().set(key, v);
    return this;
  }

  *[Symbol.iterator](): IterableIterator<[string, VisitorDay]> {
    if (this.map !== null) yield* this.map;
    else
      for (const row of this.rows)
        yield [this.keyOf(row), this.table.toVisitorDay(row, this.addrOf(row))];
  }

  *keys(): IterableIterator<string> {
    if (this.map !== null) yield* this.map.keys();
    else for (const row of this.rows) yield this.keyOf(row);
  }

  *values(): IterableIterator<VisitorDay> {
    if (this.map !== null) yield* this.map.values();
    else for (const row of this.rows) yield this.table.toVisitorDay(row, this.addrOf(row));
  }

  /** Sums the rows into a report's tally, without their records (false once a Map: then its records are read). */
  tallyInto(tally: MonthTally, rules: RobotRules): boolean {
    if (this.map !== null) return false;
    this.table.tallyRows(this.rows, tally, rules);
    return true;
  }

  private owned(): Map<string, VisitorDay> {
    return (this.map ??= new Map(this));
  }
}

/** A 32-bit mix of a client and an agent; its top bits pick the slot (Fibonacci hashing). */
function slotOf(client: number, agent: number): number {
  return Math.imul(Math.imul(client, 0x9e3779b1) ^ Math.imul(agent, 0x85ebca77), 0x9e3779b1);
}
