import type { AnalysisConfig } from "./config";
import type { CompiledFormat } from "./log-format";
import type { AnalysisPartial, MonthPartial, WatchedHit } from "./partial";
import type { GeoLookup } from "./geo";
import { classifyAgent } from "./classify-agent";
import { createRefererClassifier } from "./classify-referer";
import {
  ASSET,
  DOWNLOAD,
  FEED,
  FORM,
  PROBE,
  ROBOTS_TXT,
  createFeedTest,
  createPathClassifier,
} from "./classify-path";
import { DenseCounters, SparseCounters } from "./dense-counters";
import { IntMap } from "./int-map";
import { ByteInterner, decodeBytes, sameBytes } from "./byte-interner";
import { Interner } from "./interner";
import { F, FIELDS, compileLogFormat } from "./log-format";
import { LogClock, dayToDate, parseOffsetMinutes } from "./log-clock";
import { ADDITIVE_PANELS, type Row } from "./panels";
import {
  MAX_SAMPLES,
  MAX_WATCHED,
  emptyMonth,
  emptyPartial,
  hashInto,
  hashIPv4Into,
  keyedBy,
  mergeWatched,
  addressKey,
  visitorKey,
} from "./partial";
import { scanLine } from "./scan-line";
import { vhostDayKey, vhostKey } from "./vhost";
import { grow } from "./grow";
import type { LineScanner } from "./line-scanner";
import {
  HIT_ASSET,
  HIT_DOWNLOAD,
  HIT_ERROR,
  HIT_FORM_PAGE,
  HIT_IMAGE,
  HIT_POST,
  HIT_PROBE,
  HIT_REFERER,
  HIT_ROBOTS_TXT,
  HIT_SEARCH,
  HIT_UA_ROBOT,
  MonthVisitorDays,
  VisitorDayTable,
} from "./visitor-day-table";

// Panel slots, in ADDITIVE_PANELS order.
/** The origins panel's keys, by referer kind (RefererSlot.kind). */
const ORIGINS = ["direct", "internal", "search", "other site"];

const P = Object.fromEntries(ADDITIVE_PANELS.map((id, i) => [id, i])) as Record<
  (typeof ADDITIVE_PANELS)[number],
  number
>;

/** Per distinct user agent, classified once: ids in the panels' key spaces, -1 for none. */
interface AgentSlot {
  browser: number;
  version: number;
  os: number;
  device: number;
  robot: number;
  feed: number;
  /** A service's robot (Googlebot…): its feed requests are not a feed reader's. */
  notFeedReader: boolean;
  subscribers: number;
  watched: boolean;
}
/** Per distinct referer: kind 0 direct, 1 internal, 2 search, 3 other site; image 1 for an image search. */
interface RefererSlot {
  kind: number;
  engine: number;
  keyword: number;
  site: number;
  url: number;
  image: number;
}

/**
 * One month's counters while lines stream. A class, not an object literal: a second month's
 * literal widened the type V8 had recorded for these fields and threw away the optimised loop.
 */
class MonthState {
  readonly counters = ADDITIVE_PANELS.map(() => new DenseCounters());
  /** The hosts panel's counters, by client id: sparse, a month sees few of a log's clients. */
  readonly hosts = new SparseCounters();
  /** Human hits by agent id (summed from visitor-days) and by referer id: spread over the agent and referer panels at the end. */
  readonly byAgent = new DenseCounters();
  readonly byReferer = new DenseCounters();
  readonly hours = new Float64Array(96);
  watched: WatchedHit[] = [];
  rejected = 0;
  constructor(readonly key: string) {}
}

/**
 * Streams lines of bytes through parse → classify → count. Memory grows with distinct keys
 * (addresses, agents, paths, referers, visitor-days), never with lines: every key is interned once
 * to a small integer, every classification is cached per distinct key, visitor-days are columns
 * of numbers, and the per-line loop decodes no text but a new key's (and a query, to look for a
 * feed in it) and keeps nothing but new keys.
 */
export class Analyzer {
  readonly format: CompiledFormat;
  private readonly spans = new Int32Array(FIELDS.length * 2).fill(-1);
  private readonly clock: LogClock;
  private readonly gap: number;
  private readonly watchesAddresses: boolean;
  private readonly pageStatus = new Uint8Array(600);

  /**
   * Client addresses get dense ids too. An IPv4 address is read as a number and keeps only that
   * (ipV4) until its text is needed (ipName): most addresses never need it on the per-line path.
   * Other clients (IPv6, host names) are interned by their bytes (hosts, hostIp).
   */
  private ipCount = 0;
  private ipV4 = new Int32Array(1024);
  /** Text of each client by id; null for an IPv4 address whose text was not needed yet (see ipName). */
  private readonly ipNames: (string | null)[] = [];
  private readonly hosts = new ByteInterner();
  /** Client id of each host id. */
  private readonly hostIp: number[] = [];
  private readonly agents = new ByteInterner();
  private readonly paths = new ByteInterner();
  private readonly referers = new ByteInterner();
  /** Key spaces of panels not keyed by path. */
  private readonly keys = ADDITIVE_PANELS.map(() => new Interner());

  private agentSlots: AgentSlot[] = [];
  private refererSlots: RefererSlot[] = [];
  /**
   * Per referer id, what a hit with it adds to its visitor-day (HIT_REFERER, HIT_SEARCH,
   * HIT_IMAGE bits), -1 not classified yet.
   */
  private refererHit = new Int16Array(1024).fill(-1);
  private pathFlags = new Int8Array(1024);
  private ipCountry = new Int32Array(1024);
  private ipWatched = new Int8Array(1024);
  /** Last agent and referer id seen per client address, -1 for none. */
  private ipAgent = new Int32Array(1024).fill(-1);
  private ipReferer = new Int32Array(1024).fill(-1);
  /**
   * Clients that asked for a feed, by ip id → dense id, and their ip ids: the feed-hosts panel is
   * counted by that dense id (a few thousand), not by ip id (a panel as long as every address).
   */
  private readonly feedHosts = new IntMap();
  private readonly feedHostIps: number[] = [];
  /**
   * The format has a virtual host: each line counts in the vhosts panel, by the host's id in its
   * key space (vhostIds, per spelling in the log), and in vhost-days by a dense id of the pair
   * (host, day of the month) (vhostDayIds: host · 32 + day → id; vhostDayPairs: id → pair).
   */
  private readonly hasVhost: boolean;
  private readonly vhostSpellings = new ByteInterner();
  private vhostIds = new Int32Array(64).fill(-1);
  private readonly vhostDayIds = new IntMap();
  private readonly vhostDayPairs: number[] = [];
  /** The current line's day of the month (1–31). */
  private dayOfMonth = 0;
  /** IPv4 address (as a signed 32-bit integer) → ip id. */
  private readonly v4Ids = new IntMap();
  private readonly visitorDays: VisitorDayTable;
  /** The last visitor-day row of each client, with its agent and day, to skip the table's lookup. */
  private ipVisitor = new Int32Array(1024).fill(-1);
  private ipVisitorAgent = new Int32Array(1024);
  private ipVisitorDay = new Int32Array(1024);
  private ipHashes: Int32Array | null = null;
  private uaHashes: Int32Array | null = null;

  private readonly classifyPath: (path: string) => number;
  private readonly isFeedQuery: (b: Uint8Array, s: number, e: number) => boolean;
  private readonly classifyReferer: ReturnType<typeof createRefererClassifier>;
  private readonly months = new Map<string, MonthState>();
  private month: MonthState | null = null;
  /** The current line's day (as LogClock counts days); none before the first line. */
  private dayNumber = -0x80000000;
  private pendingRejected = 0;
  /** Position of the first "?" at or after the current line's path in the bytes being pushed (0x7fffffff if none). */
  private queryAt = -1;
  /** The previous line's client address, [lastHost, lastHostEnd) in the bytes being pushed (empty at their start), and its id. */
  private lastHost = 0;
  private lastHostEnd = 0;
  private lastIp = -1;
  private readonly result = emptyPartial();

  /** Finds the lines and their fields when the format is Apache's or nginx's combined (see LineScanner), else null. */
  private readonly scanner: LineScanner | null;
  /** The format is nginx's default: its head is read nginx's way, and its request starts 3 bytes after the time. */
  private readonly nginxHead: boolean;

  /**
   * @param scanner finds lines and fields sixteen bytes a step (see LineScanner); the result is
   * the same without it. A host keeps one per process or isolate and passes it to each analysis.
   */
  constructor(
    private readonly config: AnalysisConfig,
    private readonly geo: GeoLookup | null = null,
    scanner: LineScanner | null = null,
  ) {
    const compiled = compileLogFormat(config.format);
    if (!compiled.ok) throw new Error(`log format: ${compiled.error}`);
    this.format = compiled.format;
    this.hasVhost = this.format.has.has("vhost");
    // The scanner reads the combined family's tail after Apache's head or nginx's, and nothing else.
    const { headAt, tailAt, lead, nginxHead } = this.format.plan;
    this.nginxHead = nginxHead && tailAt === 3;
    this.scanner = (lead === "" && headAt === 0 && tailAt === 4) || this.nginxHead ? scanner : null;
    const fixed = config.timeZone === null ? null : parseOffsetMinutes(config.timeZone);
    this.clock = new LogClock(fixed);
    this.gap = config.visitGapSeconds;
    this.watchesAddresses = config.watched.addresses.length > 0;
    this.visitorDays = new VisitorDayTable(this.gap, this.paths.strings);
    for (const s of config.pageStatuses) this.pageStatus[s] = 1;
    this.classifyPath = createPathClassifier(config);
    this.isFeedQuery = createFeedTest(config.feedPatterns);
    this.classifyReferer = createRefererClassifier({
      siteHosts: config.siteHosts,
      engines: config.searchEngines,
    });
    this.ipCountry.fill(-1);
    this.ipWatched.fill(-1);
    this.pathFlags.fill(-1);
  }

  /** Analyses whole lines (the text may end without a newline; it never ends inside a line). */
  push(text: string): void {
    this.pushBytes(new TextEncoder().encode(text));
  }

  /**
   * Analyses whole lines of UTF-8 bytes (they may end without a newline, never inside a line).
   * Nothing is decoded but the distinct keys, once each. The bytes are not kept.
   */
  pushBytes(b: Uint8Array): void {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const len = b.length;
    // A byte-order mark opens a file, not a line (decoding the chunk as text dropped it too).
    let pos = len >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    this.queryAt = -1;
    this.lastHost = this.lastHostEnd = 0;
    const scanner = this.scanner;
    if (scanner !== null) {
      scanner.load(b);
      while (pos < len) {
        this.scanned(b, view, scanner.records, scanner.scan(pos, this.nginxHead));
        pos = scanner.nextStart;
      }
      return;
    }
    while (pos < len) {
      let nl = b.indexOf(10, pos);
      if (nl < 0) nl = len;
      const end = nl > pos && b[nl - 1] === 13 ? nl - 1 : nl;
      this.line(b, view, pos, end);
      pos = nl + 1;
    }
  }

  /** A batch of lines as the scanner found them (see LineScanner.scan); a line it left, the general way. */
  private scanned(b: Uint8Array, view: DataView, rec: Int32Array, n: number): void {
    const sp = this.spans;
    const requestGap = this.nginxHead ? 3 : 2;
    for (let k = 0; k < 10 * n; k += 10) {
      const s = rec[k],
        e = rec[k + 1],
        hostEnd = rec[k + 2];
      if (hostEnd < 0) {
        this.line(b, view, s, e);
        continue;
      }
      this.result.lines++;
      const timeEnd = rec[k + 4],
        requestEnd = rec[k + 5],
        statusEnd = rec[k + 6],
        bytesEnd = rec[k + 7],
        refererEnd = rec[k + 8];
      sp[2 * F.host] = s;
      sp[2 * F.host + 1] = hostEnd;
      sp[2 * F.time] = rec[k + 3];
      sp[2 * F.time + 1] = timeEnd;
      sp[2 * F.request] = timeEnd + requestGap;
      sp[2 * F.request + 1] = requestEnd;
      sp[2 * F.status] = requestEnd + 2;
      sp[2 * F.status + 1] = statusEnd;
      sp[2 * F.bytes] = statusEnd + 1;
      sp[2 * F.bytes + 1] = bytesEnd;
      sp[2 * F.referer] = bytesEnd + 2;
      sp[2 * F.referer + 1] = refererEnd;
      sp[2 * F.userAgent] = refererEnd + 3;
      sp[2 * F.userAgent + 1] = rec[k + 9];
      this.parsed(b, view, s, e);
    }
  }

  private line(b: Uint8Array, view: DataView, s: number, e: number): void {
    this.result.lines++;
    if (s === e) {
      this.reject("empty line", b, s, e);
      return;
    }
    const why = scanLine(this.format, b, s, e, this.spans);
    if (why !== null) {
      this.reject(why, b, s, e);
      return;
    }
    this.parsed(b, view, s, e);
  }

  /** A line whose fields are in `spans`. */
  private parsed(b: Uint8Array, view: DataView, s: number, e: number): void {
    const r = this.result;
    const sp = this.spans;

    const hs = sp[2 * F.host],
      he = sp[2 * F.host + 1];
    if (hs < 0 || he <= hs) {
      this.reject("empty client address", b, s, e);
      return;
    }
    if (!this.clock.read(b, view, sp[2 * F.time], sp[2 * F.time + 1])) {
      this.reject("bad time", b, s, e);
      return;
    }
    const status = readStatus(b, sp[2 * F.status], sp[2 * F.status + 1]);
    if (status < 0) {
      this.reject("bad status", b, s, e);
      return;
    }
    const bytes = sp[2 * F.bytes] < 0 ? 0 : readBytes(b, sp[2 * F.bytes], sp[2 * F.bytes + 1]);
    if (bytes < 0) {
      this.reject("bad byte count", b, s, e);
      return;
    }

    // Request: "METHOD url PROTOCOL" (or %m / %U / %q fields).
    let ms = -1,
      me = -1,
      us: number,
      ue: number;
    const rs = sp[2 * F.request];
    if (rs >= 0) {
      const re = sp[2 * F.request + 1];
      // The method ends at the first space, the path at the last. Most requests are a GET and
      // end in " HTTP/1.x": both are checked a word at a time before any byte loop.
      let sp1 = rs + 3;
      if (!(re - rs > 4 && view.getInt32(rs, true) === GET_)) {
        sp1 = rs;
        while (sp1 < re && b[sp1] !== 32) sp1++;
      }
      if (sp1 === re) {
        us = rs;
        ue = re;
      } else {
        ms = rs;
        me = sp1;
        us = sp1 + 1;
        let sp2 = re - 9;
        if (
          !(
            sp2 > us &&
            b[sp2] === 32 &&
            view.getInt32(sp2 + 1, true) === HTTP &&
            noSpace(view.getInt32(sp2 + 5, true))
          )
        ) {
          sp2 = re - 1;
          while (sp2 > us && b[sp2] !== 32) sp2--;
        }
        ue = sp2 > us ? sp2 : re;
      }
    } else {
      us = sp[2 * F.path];
      ue = sp[2 * F.path + 1];
      ms = sp[2 * F.method];
      me = sp[2 * F.method + 1];
    }
    // The next "?" of the bytes, found once for all the lines before it: most paths have none.
    if (this.queryAt < us) {
      // None: past any position. One store, taken every time: a store or a property read run
      // only at the end of the bytes has no type feedback, and cost the optimised loop a
      // deoptimisation each run.
      const q = b.indexOf(63, us);
      this.queryAt = q < 0 ? 0x7fffffff : q;
    }
    const qs = Math.min(this.queryAt, ue);
    const pathId = this.paths.idOf(b, view, us, qs);
    let flags = this.pathFlags.length > pathId ? this.pathFlags[pathId] : -1;
    if (flags < 0) flags = this.pathFlagsOf(pathId);
    if (qs < ue - 1 && !(flags & FEED) && this.isFeedQuery(b, qs, ue)) flags |= FEED;
    else if (
      rs < 0 &&
      sp[2 * F.query] >= 0 &&
      this.isFeedQuery(b, sp[2 * F.query], sp[2 * F.query + 1])
    )
      flags |= FEED;
    // POST: the method's first four bytes as one word, and its length, both read on every line
    // with a method (its first four bytes are the line's: a space and a path follow it), not only
    // on four-letter ones. A read the optimised loop meets for the first time, with the first
    // POST of a log, has no type feedback and throws the loop's optimised code away.
    const methodWord =
      ms >= 0 ? b[ms] | (b[ms + 1] << 8) | (b[ms + 2] << 16) | (b[ms + 3] << 24) : 0;
    const fourLetters = me - ms === 4;
    const isPost = fourLetters && methodWord === 0x54534f50;

    // Consecutive lines often come from the same client (half of them: a page, then its assets),
    // and a client keeps its agent and, for the assets of a page, its referer: compare in place
    // before reading an address or paying for a hash. An IPv4 address is read as a number: no
    // string is built for it, except once per address.
    let ipId: number;
    const v4 =
      he - hs === this.lastHostEnd - this.lastHost &&
      sameBytes(b, view, hs, b, view, this.lastHost, he - hs)
        ? -2
        : readIPv4(b, hs, he);
    if (v4 === -2) ipId = this.lastIp;
    else if (v4 !== -1) {
      ipId = this.v4Ids.get(v4);
      if (ipId < 0) {
        ipId = this.newIp();
        this.ipV4[ipId] = v4;
        this.v4Ids.set(v4, ipId);
      }
    } else {
      const host = this.hosts.idOf(b, view, hs, he);
      if (host < this.hostIp.length) ipId = this.hostIp[host];
      else {
        ipId = this.hostIp[host] = this.newIp();
        this.ipNames[ipId] = this.hosts.strings[host];
      }
    }
    this.lastHost = hs;
    this.lastHostEnd = he;
    this.lastIp = ipId;
    const uaS = sp[2 * F.userAgent];
    const uaE = sp[2 * F.userAgent + 1];
    let uaId = this.ipAgent[ipId];
    if (uaS < 0) uaId = this.agents.id("");
    else if (uaId < 0 || !this.agents.sameAs(uaId, b, view, uaS, uaE))
      uaId = this.ipAgent[ipId] = this.agents.idOf(b, view, uaS, uaE);
    const agent = uaId < this.agentSlots.length ? this.agentSlots[uaId] : this.agentSlotOf(uaId);

    const day = this.clock.day;
    if (day !== this.dayNumber) this.enterDay(day);
    const month = this.month!;
    r.hits++;
    const second = this.clock.second;
    const hour = (second / 3600) | 0;
    const isPage =
      this.pageStatus[status] === 1 && (flags & (ASSET | DOWNLOAD | FEED)) === 0 ? 1 : 0;
    const robot = agent.robot >= 0;

    const h = month.hours;
    h[hour * 4] += 1;
    h[hour * 4 + 1] += robot ? 0 : isPage;
    h[hour * 4 + 2] += bytes;
    if (robot) h[hour * 4 + 3] += 1;
    if (this.hasVhost) this.vhostHit(b, view, month, robot ? 0 : isPage, bytes);

    // The client's last visitor-day is nearly always this line's: check it before the table.
    const vd = this.visitorDays;
    let row = this.ipVisitor[ipId];
    if (
      row < 0 ||
      this.ipVisitorAgent[ipId] !== uaId ||
      this.ipVisitorDay[ipId] !== this.dayNumber
    ) {
      row = this.ipVisitor[ipId] = vd.idOf(this.dayNumber, ipId, uaId);
      this.ipVisitorAgent[ipId] = uaId;
      this.ipVisitorDay[ipId] = this.dayNumber;
    }
    const error = status >= 400 && status < 500;
    let kind =
      (error ? HIT_ERROR : 0) |
      (isPost ? HIT_POST : 0) |
      (robot ? HIT_UA_ROBOT : 0) |
      (flags & ROBOTS_TXT ? HIT_ROBOTS_TXT : 0) |
      (flags & ASSET ? HIT_ASSET : 0) |
      (flags & PROBE && error ? HIT_PROBE : 0) |
      (flags & FORM && isPage ? HIT_FORM_PAGE : 0);

    const c = month.counters;
    c[P.status].add(status, 1, isPage, bytes);
    if (status === 404) c[P["not-found"]].add(pathId, 1, 0, bytes);
    if (agent.feed >= 0 || ((flags & FEED) !== 0 && !agent.notFeedReader)) {
      const feed =
        agent.feed >= 0
          ? agent.feed
          : this.keys[P.feeds].id(uaS < 0 ? "-" : this.agents.strings[uaId] || "-");
      c[P.feeds].add(feed, 1, 0, bytes);
      let host = this.feedHosts.get(ipId);
      if (host < 0) this.feedHosts.set(ipId, (host = this.feedHostIps.push(ipId) - 1));
      c[P["feed-hosts"]].add(host, 1, 0, bytes);
      if (agent.subscribers > 0) c[P.feeds].max(feed, agent.subscribers);
    }
    // Robots, agents and countries are the same for a whole visitor-day: summed from its row at the end.
    if (!robot) {
      if (flags & DOWNLOAD && status >= 200 && status < 300) {
        c[P.downloads].add(pathId, 1, 0, bytes);
        kind |= HIT_DOWNLOAD;
      }
      const rfs = sp[2 * F.referer];
      if (rfs >= 0 && !(sp[2 * F.referer + 1] - rfs === 1 && b[rfs] === 45)) {
        const rfe = sp[2 * F.referer + 1];
        let refId = this.ipReferer[ipId];
        if (refId < 0 || !this.referers.sameAs(refId, b, view, rfs, rfe))
          refId = this.ipReferer[ipId] = this.referers.idOf(b, view, rfs, rfe);
        month.byReferer.add(refId, 1, isPage, bytes);
        let refHit = refId < this.refererHit.length ? this.refererHit[refId] : -1;
        if (refHit < 0) refHit = this.refererHitOf(refId);
        if (refHit & HIT_IMAGE) c[P["image-search"]].add(pathId, 1, isPage, bytes);
        kind |= refHit;
      }
    }
    vd.hit(row, second, bytes, isPage ? pathId : -1, kind);
    if (agent.watched || (this.watchesAddresses && this.isWatchedAddress(ipId)))
      this.watch(month, b, sp, status, bytes, ms, me, us, ue);
  }

  /** The mergeable result; the analyzer must not be used afterwards. */
  finish(): AnalysisPartial {
    const out = this.result;
    if (this.pendingRejected > 0) {
      // Rejected lines with no parsed line before them go to the first month seen after them.
      const first = this.months.values().next().value;
      if (first) first.rejected += this.pendingRejected;
    }
    // Each month's visitor-days: its rows grouped by day, the days in the order first seen (a day's
    // first line makes its first row), read from the table when read (MonthVisitorDays).
    const t = this.visitorDays;
    const monthOfDay = new Map<number, MonthState>();
    const monthOf = (day: number): MonthState => {
      let m = monthOfDay.get(day);
      if (m === undefined) monthOfDay.set(day, (m = this.months.get(dayToDate(day).slice(0, 7))!));
      return m;
    };
    const dayRows = new Map<MonthState, Int32Array[]>();
    for (const [day, rows] of t.rowsByDay()) {
      const m = monthOf(day);
      const list = dayRows.get(m);
      if (list === undefined) dayRows.set(m, [rows]);
      else list.push(rows);
    }
    // The panels keyed by what a visitor-day holds constant, its agent (robots; browsers, OS and
    // devices through byAgent) and its client (countries), are sums of its rows: one add per row,
    // not one per line.
    // Rows come in rough day order: the month is looked up when the day changes.
    for (let row = 0, day = NaN, m: MonthState | undefined; row < t.size; row++) {
      if (t.day[row] !== day) m = monthOf((day = t.day[row]));
      const month = m!;
      const agent = this.agentSlots[t.agent[row]];
      const hits = t.hits[row],
        pages = t.pages[row],
        bytes = t.bytes[row];
      if (agent.robot >= 0) month.counters[P.robots].add(agent.robot, hits, pages, bytes);
      else {
        const client = t.client[row];
        month.byAgent.add(t.agent[row], hits, pages, bytes);
        month.counters[P.countries].add(this.countryOf(client), hits, pages, bytes);
        // Hosts by client id (named at the end), IP versions by the address's form.
        month.hosts.add(client, hits, pages, bytes);
        const name = this.ipNames[client];
        const version = name === null ? "IPv4" : name.includes(":") ? "IPv6" : "host name";
        month.counters[P["ip-versions"]].add(
          this.keys[P["ip-versions"]].id(version),
          hits,
          pages,
          bytes,
        );
      }
    }
    let keyDay = NaN,
      keyDate = "";
    const keyOf = (row: number): string => {
      if (t.day[row] !== keyDay) keyDate = dayToDate((keyDay = t.day[row]));
      return this.visitorKeyOf(t.client[row], t.agent[row], keyDate);
    };
    const addrOf = (row: number): string => this.addressKeyOf(t.client[row]);
    for (const m of this.months.values())
      out.months[m.key] = this.monthPartial(
        m,
        new MonthVisitorDays(t, concat(dayRows.get(m) ?? []), keyOf, addrOf),
      );
    return out;
  }

  private monthPartial(m: MonthState, visitorDays: MonthVisitorDays): MonthPartial {
    const c = m.counters;
    m.byAgent.forEach((ua, hits, pages, bytes) => {
      const a = this.agentSlots[ua];
      c[P.browsers].add(a.browser, hits, pages, bytes);
      c[P["browser-versions"]].add(a.version, hits, pages, bytes);
      c[P.os].add(a.os, hits, pages, bytes);
      c[P.devices].add(a.device, hits, pages, bytes);
    });
    // Origins: every human hit is direct unless its referer says otherwise.
    const origin = [0, 0, 0, 0].map(() => [0, 0, 0]);
    m.byAgent.forEach((_ua, hits, pages, bytes) => {
      origin[0][0] += hits;
      origin[0][1] += pages;
      origin[0][2] += bytes;
    });
    m.byReferer.forEach((id, hits, pages, bytes) => {
      // Referers are classified here, at the end, so the slot array can have holes: test each one.
      const ref = this.refererSlots[id] ?? this.refererSlotOf(id);
      if (ref.kind !== 0) {
        origin[0][0] -= hits;
        origin[0][1] -= pages;
        origin[0][2] -= bytes;
        origin[ref.kind][0] += hits;
        origin[ref.kind][1] += pages;
        origin[ref.kind][2] += bytes;
      }
      if (ref.kind === 2) {
        c[P["search-engines"]].add(ref.engine, hits, pages, bytes);
        c[P.keywords].add(ref.keyword, hits, pages, bytes);
      } else if (ref.kind === 3) {
        c[P["referring-sites"]].add(ref.site, hits, pages, bytes);
        c[P.referers].add(ref.url, hits, pages, bytes);
      }
    });
    ORIGINS.forEach((name, kind) => {
      const [hits, pages, bytes] = origin[kind];
      if (hits > 0) c[P.origins].add(this.keys[P.origins].id(name), hits, pages, bytes);
    });
    const out = emptyMonth();
    out.rejected = m.rejected;
    out.visitorDays = visitorDays;
    out.watched = mergeWatched(m.watched, []);
    out.hours = Array.from(m.hours);
    ADDITIVE_PANELS.forEach((id, i) => {
      const names =
        id === "downloads" || id === "not-found" || id === "image-search"
          ? this.paths.strings
          : id === "status" || id === "feed-hosts" || id === "hosts" || id === "vhost-days"
            ? null
            : this.keys[i].strings;
      const rows = keyedBy<Row>();
      (id === "hosts" ? m.hosts : m.counters[i]).forEach((k, hits, pages, bytes, max) => {
        const key = names
          ? names[k]
          : id === "feed-hosts"
            ? this.ipName(this.feedHostIps[k])
            : id === "hosts"
              ? this.ipName(k)
              : id === "vhost-days"
                ? this.vhostDayName(m.key, k)
                : String(k);
        rows[key] = [hits, pages, bytes, max];
      });
      out.panels[id] = rows;
    });
    return out;
  }

  /** The address key of a client (see addressKey). */
  private addressKeyOf(ip: number): string {
    this.ipHashes ??= new Int32Array(this.ipCount * 2);
    this.hashIp(ip);
    return addressKey(this.ipHashes[2 * ip], this.ipHashes[2 * ip + 1]);
  }

  private hashIp(ip: number): void {
    if (this.ipHashes![2 * ip] === 0 && this.ipHashes![2 * ip + 1] === 0) {
      const name = this.ipNames[ip];
      if (name === null) hashIPv4Into(this.ipV4[ip], this.ipHashes!, 2 * ip);
      else hashInto(name, this.ipHashes!, 2 * ip);
    }
  }

  /** The visitor-day key (`date` `visitorKey`) of a client and agent. */
  private visitorKeyOf(ip: number, ua: number, date: string): string {
    this.ipHashes ??= new Int32Array(this.ipCount * 2);
    this.uaHashes ??= new Int32Array(this.agents.size * 2);
    if (this.ipHashes[2 * ip] === 0 && this.ipHashes[2 * ip + 1] === 0) {
      const name = this.ipNames[ip];
      if (name === null) hashIPv4Into(this.ipV4[ip], this.ipHashes, 2 * ip);
      else hashInto(name, this.ipHashes, 2 * ip);
    }
    if (this.uaHashes[2 * ua] === 0 && this.uaHashes[2 * ua + 1] === 0)
      hashInto(this.agents.strings[ua], this.uaHashes, 2 * ua);
    return visitorKey(
      this.ipHashes[2 * ip],
      this.ipHashes[2 * ip + 1],
      this.uaHashes[2 * ua],
      this.uaHashes[2 * ua + 1],
      date,
    );
  }

  /**
   * A line in the vhosts panel and in its host's day (vhost-days): all hits and bytes, and the
   * page views of agents that are not robots (as the month's hours count them line by line).
   */
  private vhostHit(
    b: Uint8Array,
    view: DataView,
    month: MonthState,
    page: number,
    bytes: number,
  ): void {
    const s = this.spans[2 * F.vhost];
    const spelling =
      s < 0
        ? this.vhostSpellings.id("")
        : this.vhostSpellings.idOf(b, view, s, this.spans[2 * F.vhost + 1]);
    let host = spelling < this.vhostIds.length ? this.vhostIds[spelling] : -1;
    if (host < 0) {
      if (spelling >= this.vhostIds.length) this.vhostIds = grow(this.vhostIds, spelling, -1);
      host = this.vhostIds[spelling] = this.keys[P.vhosts].id(
        vhostKey(this.vhostSpellings.strings[spelling]),
      );
    }
    month.counters[P.vhosts].add(host, 1, page, bytes);
    const pair = host * 32 + this.dayOfMonth;
    let day = this.vhostDayIds.get(pair);
    if (day < 0) this.vhostDayIds.set(pair, (day = this.vhostDayPairs.push(pair) - 1));
    month.counters[P["vhost-days"]].add(day, 1, page, bytes);
  }

  /** The vhost-days key of a dense id, in a month `YYYY-MM`. */
  private vhostDayName(month: string, id: number): string {
    const pair = this.vhostDayPairs[id];
    const day = String(pair & 31).padStart(2, "0");
    return vhostDayKey(this.keys[P.vhosts].strings[pair >> 5], `${month}-${day}`);
  }

  private reject(reason: string, b: Uint8Array, s: number, e: number): void {
    const r = this.result;
    r.rejected++;
    r.reasons[reason] = (r.reasons[reason] ?? 0) + 1;
    if (r.samples.length < MAX_SAMPLES)
      r.samples.push({
        line: r.lines,
        month: this.month?.key ?? null,
        reason,
        text: decodeBytes(b, s, Math.min(e, s + 2000)).slice(0, 500),
      });
    if (this.month) this.month.rejected++;
    else this.pendingRejected++;
  }

  private enterDay(day: number): void {
    const date = dayToDate(day);
    const key = date.slice(0, 7);
    let m = this.months.get(key);
    if (m === undefined) {
      m = new MonthState(key);
      this.months.set(key, m);
    }
    this.month = m;
    this.dayNumber = day;
    this.dayOfMonth = Number(date.slice(8, 10));
  }

  private newIp(): number {
    const id = this.ipCount++;
    this.ipNames.push(null);
    if (id >= this.ipAgent.length) this.growPerIp(id);
    return id;
  }

  /** The client's address as written in the log. */
  private ipName(id: number): string {
    return (this.ipNames[id] ??= dottedQuad(this.ipV4[id]));
  }

  private growPerIp(ipId: number): void {
    this.ipV4 = grow(this.ipV4, ipId, 0);
    this.ipAgent = grow(this.ipAgent, ipId, -1);
    this.ipReferer = grow(this.ipReferer, ipId, -1);
    this.ipVisitor = grow(this.ipVisitor, ipId, -1);
    this.ipVisitorAgent = grow(this.ipVisitorAgent, ipId, -1);
    this.ipVisitorDay = grow(this.ipVisitorDay, ipId, -1);
  }

  private pathFlagsOf(id: number): number {
    if (id >= this.pathFlags.length) this.pathFlags = grow(this.pathFlags, id, -1);
    return (this.pathFlags[id] = this.classifyPath(this.paths.strings[id]));
  }

  private agentSlotOf(id: number): AgentSlot {
    const ua = this.agents.strings[id];
    const a = classifyAgent(ua);
    const k = this.keys;
    const w = this.config.watched.userAgents;
    const slot: AgentSlot = {
      browser: k[P.browsers].id(a.browser),
      version: k[P["browser-versions"]].id(
        a.browserVersion ? `${a.browser} ${a.browserVersion}` : a.browser,
      ),
      os: k[P.os].id(a.os),
      device: k[P.devices].id(a.device),
      robot: a.robot === null ? -1 : k[P.robots].id(a.robot),
      feed: a.feedReader === null ? -1 : k[P.feeds].id(a.feedReader),
      notFeedReader: a.notFeedReader,
      subscribers: a.subscribers,
      watched: ua !== "" && w.some((needle) => ua.includes(needle)),
    };
    this.agentSlots[id] = slot;
    return slot;
  }

  private refererSlotOf(id: number): RefererSlot {
    const c = this.classifyReferer(this.referers.strings[id]);
    const k = this.keys;
    const slot: RefererSlot = { kind: 0, engine: -1, keyword: -1, site: -1, url: -1, image: 0 };
    if (c.kind === "internal") slot.kind = 1;
    else if (c.kind === "search") {
      slot.kind = 2;
      slot.engine = k[P["search-engines"]].id(c.engine);
      slot.keyword = k[P.keywords].id(c.keyword);
      slot.image = c.image ? 1 : 0;
    } else if (c.kind === "site") {
      slot.kind = 3;
      slot.site = k[P["referring-sites"]].id(c.host || "(not a web address)");
      slot.url = k[P.referers].id(c.url);
    }
    this.refererSlots[id] = slot;
    if (id >= this.refererHit.length) this.refererHit = grow(this.refererHit, id, -1);
    this.refererHit[id] =
      (slot.kind === 3 ? HIT_REFERER : slot.kind === 2 ? HIT_SEARCH : 0) |
      (slot.image ? HIT_IMAGE : 0);
    return slot;
  }

  private refererHitOf(id: number): number {
    this.refererSlotOf(id);
    return this.refererHit[id];
  }

  private countryOf(ipId: number): number {
    if (ipId >= this.ipCountry.length) this.ipCountry = grow(this.ipCountry, ipId, -1);
    if (this.ipCountry[ipId] >= 0) return this.ipCountry[ipId];
    const code =
      this.geo === null
        ? ""
        : this.ipNames[ipId] === null
          ? this.geo.countryOfIPv4(this.ipV4[ipId] >>> 0)
          : this.geo.country(this.ipNames[ipId]!);
    return (this.ipCountry[ipId] = this.keys[P.countries].id(code || "??"));
  }

  private isWatchedAddress(ipId: number): boolean {
    const list = this.config.watched.addresses;
    if (ipId >= this.ipWatched.length) this.ipWatched = grow(this.ipWatched, ipId, -1);
    let w = this.ipWatched[ipId];
    if (w < 0) {
      const ip = this.ipName(ipId);
      w = this.ipWatched[ipId] = list.some(
        (a) => a === ip || ((a.endsWith(".") || a.endsWith(":")) && ip.startsWith(a)),
      )
        ? 1
        : 0;
    }
    return w === 1;
  }

  private watch(
    m: MonthState,
    b: Uint8Array,
    sp: Int32Array,
    status: number,
    bytes: number,
    ms: number,
    me: number,
    us: number,
    ue: number,
  ): void {
    const field = (f: number) => (sp[2 * f] < 0 ? "" : decodeBytes(b, sp[2 * f], sp[2 * f + 1]));
    const second = this.clock.second;
    const hms = [second / 3600, (second / 60) % 60, second % 60]
      .map((n) => String(Math.floor(n)).padStart(2, "0"))
      .join(":");
    m.watched.push({
      at: `${dayToDate(this.clock.day)} ${hms}`,
      address: field(F.host),
      agent: field(F.userAgent),
      method: ms < 0 ? "" : decodeBytes(b, ms, me),
      url: decodeBytes(b, us, ue),
      status,
      bytes,
      referer: field(F.referer),
    });
    if (m.watched.length > 2 * MAX_WATCHED)
      m.watched = mergeWatched(m.watched, []).slice(0, MAX_WATCHED);
  }
}

/** "GET " and "HTTP" as little-endian words. */
const GET_ = 0x20544547;
const HTTP = 0x50545448;

/** True when none of a word's four bytes is a space. */
function noSpace(word: number): boolean {
  const x = word ^ 0x20202020;
  return ((x - 0x01010101) & ~x & 0x80808080) === 0;
}

/** An IPv4 address (as readIPv4 returns it) in its one spelling. */
function dottedQuad(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/**
 * A dotted-quad IPv4 address as a signed 32-bit integer (a small-integer Map key), or -1 when the
 * text is anything else. Leading zeros are refused so that one number always has one spelling.
 * (-1 itself is 255.255.255.255, which no client has.)
 */
function readIPv4(b: Uint8Array, s: number, e: number): number {
  if (e - s < 7 || e - s > 15) return -1;
  let value = 0,
    part = 0,
    digits = 0,
    dots = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = (value << 8) | part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || (digits === 1 && part === 0)) return -1;
      part = part * 10 + d;
      if (++digits > 3 || part > 255) return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return (value << 8) | part;
}

/** Three ASCII digits 100–599, or -1. */
function readStatus(b: Uint8Array, s: number, e: number): number {
  if (s < 0 || e - s !== 3) return -1;
  const x = b[s] - 48,
    y = b[s + 1] - 48,
    z = b[s + 2] - 48;
  if (x < 1 || x > 5 || y < 0 || y > 9 || z < 0 || z > 9) return -1;
  return x * 100 + y * 10 + z;
}

/** Decimal digits, or "-" for none (0); -1 when malformed. */
function readBytes(b: Uint8Array, s: number, e: number): number {
  if (e - s === 1 && b[s] === 45) return 0;
  if (e <= s || e - s > 15) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The arrays one after the other. */
function concat(parts: readonly Int32Array[]): Int32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int32Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}
