// `npm run bench:years`: three years of a personal site (10,000 hits a day) through a local worker
// on real local D1, to show that an upload and a page view cost the same in year three as on day
// one, and how the database grows. The traffic is replayed from the shared real logs: every
// visitor-day of them is a session template; each simulated day draws sessions until 10,000 hits,
// gives most of them a new address (a quarter come back from the last 30 days), and lets the site
// grow: a new post every day (a fifth of the page views go to posts, the newest most), new
// referring sites every day, browsers' versions rising each month.
//
// Time is compressed: a day is one upload, except one whole day of the first and of the last
// month, shipped at a 10-minute cadence (144 uploads) as the agent on a box would. After each
// month the month, year and index pages are fetched uncached, priced by the worker's own count of
// D1 rows (COST_HEADER). CPU is that of the worker's processes (workerd and wrangler's proxy), per
// upload, from /proc.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { addSite, startLocalWorker } from "../scripts/local-worker";
import { openRun } from "./chunk-stages";
import { treeCpuSeconds } from "./ingest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MONTHS_NAMES = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];
const HITS_PER_DAY = Number(process.env.YEARS_HITS_PER_DAY ?? 10_000);
const MONTHS = Number(process.env.YEARS_MONTHS ?? 36);
const START = Date.UTC(2022, 0, 1);
/** Days per upload outside the two days shipped at the agent's 10-minute cadence. */
const DAYS_PER_UPLOAD = Number(process.env.YEARS_DAYS_PER_UPLOAD ?? 3);
const DAY = 86_400_000;

interface Hit {
  /** Seconds after the session's first hit. */
  at: number;
  request: string;
  status: string;
  bytes: string;
  referer: string;
}
interface Session {
  agent: string;
  hits: Hit[];
}

/** Every visitor-day of the shared real logs, as a session to replay. */
function sessions(): Session[] {
  const dir = [join(root, "..", "shared", "fixtures", "logs"), join(root, "test", "fixtures")].find(
    existsSync,
  )!;
  const re =
    /^(\S+) \S+ \S+ \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) [^\]]*\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)"/;
  const byVisitor = new Map<string, { t0: number; agent: string; hits: (Hit & { t: number })[] }>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".log"))) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      const m = re.exec(line);
      if (!m) continue;
      const t =
        Date.UTC(Number(m[4]), MONTHS_NAMES.indexOf(m[3]), Number(m[2]), +m[5], +m[6], +m[7]) /
        1000;
      const key = `${m[1]} ${m[12]} ${m[2]}${m[3]}`;
      let s = byVisitor.get(key);
      if (!s) byVisitor.set(key, (s = { t0: t, agent: m[12], hits: [] }));
      s.t0 = Math.min(s.t0, t);
      s.hits.push({ t, at: 0, request: m[8], status: m[9], bytes: m[10], referer: m[11] });
    }
  }
  return [...byVisitor.values()].map((s) => ({
    agent: s.agent,
    hits: s.hits.map((h) => ({ ...h, at: h.t - s.t0 })).sort((a, b) => a.at - b.at),
  }));
}

/** mulberry32 */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A public IPv4 address for visitor number n (never a private, loopback or reserved range). */
function address(n: number): string {
  let h = Math.imul(n ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  const firsts = [
    ...Array.from({ length: 9 }, (_, i) => i + 1),
    ...Array.from({ length: 89 }, (_, i) => i + 11),
    ...Array.from({ length: 26 }, (_, i) => i + 101),
    ...Array.from({ length: 41 }, (_, i) => i + 128),
    ...Array.from({ length: 19 }, (_, i) => i + 173),
    ...Array.from({ length: 30 }, (_, i) => i + 193),
  ];
  const a = firsts[h % firsts.length];
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  return `${a}.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${1 + (h % 254)}`;
}

const pad = (n: number) => String(n).padStart(2, "0");
function stamp(ms: number): string {
  const d = new Date(ms);
  return `[${pad(d.getUTCDate())}/${MONTHS_NAMES[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000]`;
}

/** One simulated day's log lines, in time order. */
function makeDay(
  day: number,
  templates: Session[],
  pool: { address: string; agent: string; day: number }[],
  state: { visitors: number },
): string[] {
  const rand = rng(day + 1);
  const month = Math.floor(day / 30.4);
  const dayStart = START + day * DAY;
  const lines: { t: number; line: string }[] = [];
  let hits = 0;
  const posts = day + 1;
  const referers = 5 * (day + 1);
  while (hits < HITS_PER_DAY) {
    const s = templates[Math.floor(rand() * templates.length)];
    let who: { address: string; agent: string };
    // The pool holds the last 30 days' visitors (older ones are dropped below).
    if (pool.length > 0 && rand() < 0.25) who = pool[Math.floor(rand() * pool.length)];
    else {
      const agent = s.agent
        .replace(/Chrome\/(\d+)/, (_, v) => `Chrome/${Number(v) + month}`)
        .replace(/Firefox\/(\d+)/, (_, v) => `Firefox/${Number(v) + month}`);
      who = { address: address(state.visitors++), agent };
      pool.push({ ...who, day });
    }
    const start = dayStart + Math.floor(rand() * (DAY - 3_600_000));
    for (const h of s.hits) {
      let request = h.request;
      const page = /^GET (\/[^ ?]*?(\.html?|\/)?)( |$)/.exec(request);
      if (page && !/\.\w{2,4}( |$)/.test(request.replace(/\.html?( |$)/, " ")) && rand() < 0.2) {
        // A post, the newest most read (Zipf-like over the posts published so far).
        const n = Math.max(0, posts - 1 - Math.floor(posts * rand() ** 3));
        request = request.replace(page[1], `/posts/${2022 + Math.floor(n / 365)}/post-${n}.html`);
      }
      let referer = h.referer;
      if (/^https?:\/\//.test(referer) && !/semicomplete|basjes/.test(referer) && rand() < 0.5) {
        const k = Math.floor(referers * rand() ** 2);
        referer = `https://site${k}.example.org/links/${k % 97}`;
      }
      const t = start + h.at * 1000;
      if (t >= dayStart + DAY) break;
      lines.push({
        t,
        line: `${who.address} - - ${stamp(t)} "${request}" ${h.status} ${h.bytes} "${referer}" "${who.agent}"`,
      });
      hits++;
    }
  }
  let old = 0;
  while (old < pool.length && pool[old].day < day - 30) old++;
  pool.splice(0, old);
  lines.sort((a, b) => a.t - b.t);
  return lines.map((l) => l.line);
}

interface Reply {
  rowsRead: number;
  rowsWritten: number;
  statements: number;
  queries: number;
  lines: number;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** The local D1 database's file. */
function dbFile(dir: string): string {
  let found = "";
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".sqlite") && !e.name.startsWith("metadata")) found = p;
    }
  };
  walk(dir);
  return found;
}

/**
 * The database's size as D1 counts it (its pages, free pages left out: SQLite reuses them), and
 * each table's share, from SQLite's dbstat (Python's sqlite3 has it; D1's binding does not).
 */
function dbUsage(dir: string): { bytes: number; tables: Record<string, number> } {
  const r = spawnSync(
    "python3",
    [
      "-c",
      `import json, sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
ps = c.execute("PRAGMA page_size").fetchone()[0]
used = (c.execute("PRAGMA page_count").fetchone()[0] - c.execute("PRAGMA freelist_count").fetchone()[0]) * ps
t = dict(c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
print(json.dumps({"bytes": used, "tables": t}))`,
      dbFile(dir),
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) return { bytes: Number.NaN, tables: {} };
  return JSON.parse(r.stdout);
}

async function main() {
  const t0 = Date.now();
  const templates = sessions();
  const dir = mkdtempSync(join(tmpdir(), "vigie-years-"));
  const site = addSite("years", dir);
  // The worker's last lines, printed if an upload fails.
  const workerLog: string[] = [];
  const worker = await startLocalWorker({
    persistTo: dir,
    vars: { COST_HEADER: "1" },
    log: (l) => {
      workerLog.push(l);
      if (workerLog.length > 40) workerLog.shift();
    },
  });
  // One upload run, as the agent opens at each of its runs: every chunk names it (&run=).
  const runId = await openRun(worker.url, site);
  const pool: { address: string; agent: string; day: number }[] = [];
  const state = { visitors: 0 };
  let offset = 0;
  const upload = async (text: string): Promise<Reply> => {
    const raw = Buffer.from(text);
    const body = gzipSync(raw);
    const q = new URLSearchParams({
      site: site.site,
      source: "access.log",
      start: String(offset),
      end: String(offset + raw.length),
      run: String(runId),
    });
    const res = await fetch(`${worker.url}/api/v1/ingest?${q}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${site.agentToken}`,
        "content-type": "application/gzip",
        "x-content-sha256": createHash("sha256").update(body).digest("hex"),
      },
      body,
    });
    const reply = (await res.json()) as Reply & { error?: { message: string } };
    if (res.status !== 200)
      throw new Error(
        `ingest ${res.status}: ${reply.error?.message}\n--- the worker's last lines:\n${workerLog.join("\n")}`,
      );
    offset += raw.length;
    return reply;
  };
  const view = async (path: string): Promise<number> => {
    const res = await fetch(`${worker.url}${path}`, {
      headers: { authorization: `Bearer ${site.readToken}` },
    });
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    const m = /d1cost;desc="queries=(\d+) read=(\d+)/.exec(res.headers.get("server-timing") ?? "");
    return m ? Number(m[2]) : Number.NaN;
  };
  const rows: string[] = [];
  const cadenceReads: Record<number, number[]> = {};
  const viewReads: Record<number, number> = {};
  const sizes: number[] = [];
  let lastUsage: ReturnType<typeof dbUsage> = { bytes: 0, tables: {} };
  let genMs = 0;
  let uploadMs = 0;
  console.log(
    "month     uploads  read med/max     written med/max   stmts  CPU ms/upload   D1 MB  views read (month/year/index)",
  );
  try {
    let day = 0;
    for (let m = 0; m < MONTHS; m++) {
      const first = new Date(START + day * DAY);
      const label = `${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}`;
      const reads: number[] = [];
      const writes: number[] = [];
      let stmts = 0;
      let uploads = 0;
      const cpu0 = treeCpuSeconds(worker.child.pid!);
      const cadenceDay = m === 0 || m === MONTHS - 1 ? 14 : -1;
      const send = async (lines: string[], cadence: boolean) => {
        const tu = performance.now();
        const r = await upload(`${lines.join("\n")}\n`);
        uploadMs += performance.now() - tu;
        reads.push(r.rowsRead);
        writes.push(r.rowsWritten);
        stmts = Math.max(stmts, r.queries);
        uploads++;
        if (cadence) (cadenceReads[m] ??= []).push(r.rowsRead);
      };
      // Days are shipped DAYS_PER_UPLOAD at a time (time compressed), the cadence day alone.
      let pending: string[] = [];
      let pendingDays = 0;
      for (let d = 0; ; d++, day++) {
        const date = new Date(START + day * DAY);
        if (date.getUTCMonth() !== first.getUTCMonth()) break;
        const tg = performance.now();
        const lines = makeDay(day, templates, pool, state);
        genMs += performance.now() - tg;
        if (d === cadenceDay) {
          if (pending.length > 0) await send(pending, false);
          pending = [];
          pendingDays = 0;
          // The agent's cadence: every 10 minutes, the lines written since.
          const batches: string[][] = [];
          const at = (l: string) => {
            const t = /:(\d\d):(\d\d):\d\d /.exec(l)!;
            return Number(t[1]) * 6 + Math.floor(Number(t[2]) / 10);
          };
          for (const l of lines) (batches[at(l)] ??= []).push(l);
          for (const b of batches) if (b && b.length > 0) await send(b, true);
          continue;
        }
        pending = pending.concat(lines);
        if (++pendingDays === DAYS_PER_UPLOAD) {
          await send(pending, false);
          pending = [];
          pendingDays = 0;
        }
      }
      if (pending.length > 0) await send(pending, false);
      const cpuMs = ((treeCpuSeconds(worker.child.pid!) - cpu0) * 1000) / uploads;
      const year = label.slice(0, 4);
      const v = [
        await view(`/sites/${site.site}/${label}`),
        await view(`/sites/${site.site}/${year}`),
        await view(`/sites/${site.site}/`),
      ];
      viewReads[m] = Math.max(...v);
      const usage = dbUsage(dir);
      const size = usage.bytes;
      sizes.push(size);
      lastUsage = usage;
      const line = `${label}  ${String(uploads).padStart(7)}  ${String(median(reads)).padStart(7)}/${String(Math.max(...reads)).padEnd(7)}  ${String(median(writes)).padStart(7)}/${String(Math.max(...writes)).padEnd(7)}  ${String(stmts).padStart(5)}  ${cpuMs.toFixed(1).padStart(13)}  ${(size / 1e6).toFixed(1).padStart(6)}  ${v.join("/")}`;
      rows.push(line);
      console.log(line);
      if (cadenceReads[m])
        console.log(
          `           10-minute uploads that day: ${cadenceReads[m].length}, rows read median ${median(cadenceReads[m])}, max ${Math.max(...cadenceReads[m])}`,
        );
    }
  } finally {
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const last = MONTHS - 1;
  const perYear =
    MONTHS > 12 ? ((sizes[last] - sizes[11]) / (MONTHS - 12)) * 12 : (sizes[last] / MONTHS) * 12;
  const top = Object.entries(lastUsage.tables)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([t, b]) => `${t} ${(b / 1e6).toFixed(1)}`);
  console.log(`D1 at the end, MB by table: ${top.join(", ")}`);
  console.log(
    `(${((Date.now() - t0) / 60_000).toFixed(1)} min: making the log ${(genMs / 1000).toFixed(0)} s, uploads ${(uploadMs / 1000).toFixed(0)} s; ${state.visitors} visitors made)`,
  );
  console.log(
    `years: months ${MONTHS}, upload rows read first ${median(cadenceReads[0] ?? [])} last ${median(cadenceReads[last] ?? [])}, view rows read first ${viewReads[0]} last ${viewReads[last]}, db MB per year ${(perYear / 1e6).toFixed(1)}`,
  );
}

await main();
