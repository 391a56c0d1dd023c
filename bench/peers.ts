// `npx tsx bench/peers.ts [REV…]`: the figures of each shared log under the core's rules at each
// git revision given (default d2a5b74, before issue 19) and as they are in this tree, beside
// GoAccess 1.7's and AWStats 7.8's on the same file. Prints one Markdown table per log
// (docs/figures.md explains the differences).
//
// An older core is taken from git (`git archive REV worker/core`) into node_modules/.cache/,
// where it resolves isbot from this tree's node_modules and no typecheck or lint looks, and is
// run the same way as this tree's: the whole file in one analysis, no country table (countries
// change none of these figures).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AWSTATS_PL, awstatsRun } from "./awstats";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const data = join(root, "bench", "data");
const shared = join(root, "..", "shared", "fixtures", "logs");
const logsDir = existsSync(shared) ? shared : join(root, "test", "fixtures");
const LOGS = [
  {
    file: "semicomplete-2015-05.combined.log",
    hosts: ["semicomplete.com", "www.semicomplete.com"],
  },
  { file: "basjes-2015-10-hackers.combined.log", hosts: ["howto.basjes.nl"] },
];
const revisions = process.argv.slice(2);
if (revisions.length === 0) revisions.push("d2a5b74");

interface Figures {
  visitors: number;
  visits: number;
  pages: number;
  robotHits: number;
  hits: number;
}

/** The core of `rev` (null: this tree's) as a function of a log's text and its site's hosts. */
async function coreAt(rev: string | null): Promise<(text: string, hosts: string[]) => Figures> {
  let dir = root;
  if (rev !== null) {
    dir = join(root, "node_modules", ".cache", "vigie-peers", rev);
    if (!existsSync(join(dir, "worker", "core", "analyze.ts"))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const tar = execFileSync("git", ["archive", rev, "worker/core"], { cwd: root });
      execFileSync("tar", ["-x", "-C", dir], { input: tar });
    }
  }
  const load = (name: string) => import(pathToFileURL(join(dir, "worker", "core", name)).href);
  const { analyzeText } = await load("analyze.ts");
  const { resolveConfig, robotRules } = await load("config.ts");
  const { monthReport } = await load("report.ts");
  return (text, hosts) => {
    const r = resolveConfig({ siteHosts: hosts });
    if (!r.ok) throw new Error(r.errors.join("; "));
    const p = analyzeText(text, r.config);
    const f: Figures = { visitors: 0, visits: 0, pages: 0, robotHits: 0, hits: 0 };
    // Each shared log lies within one month: summing months sums one.
    for (const m of Object.keys(p.months)) {
      // Before robotRules existed, the configuration was the rules.
      const rep = monthReport(m, p.months[m], robotRules ? robotRules(r.config) : r.config);
      for (const k of Object.keys(f) as (keyof Figures)[]) f[k] += rep[k];
    }
    return f;
  };
}

interface GoAccessJson {
  general: { unique_visitors: number; valid_requests: number };
  requests: { metadata: { hits: { total: { value: number } } } };
  browsers: { data: { data: string; hits: { count: number } }[] };
}

/** GoAccess's report of `log` (with extra flags), or null when it is not installed. */
function goaccess(log: string, extra: string[] = []): GoAccessJson | null {
  const out = join(data, "peers-goaccess.json");
  const r = spawnSync(
    "goaccess",
    [log, "--log-format=COMBINED", "--no-global-config", "--no-progress", ...extra, "-o", out],
    { stdio: "ignore" },
  );
  if (r.error || r.status !== 0) return null;
  return JSON.parse(readFileSync(out, "utf8"));
}

interface AwstatsFigures {
  visitors: number;
  visits: number;
  pages: number;
  hits: number;
  robotHits: number;
}

/** AWStats's figures for `log`, run as bench/run.ts runs it, or null when it is not installed. */
function awstats(log: string, hosts: string[]): AwstatsFigures | null {
  if (!existsSync(AWSTATS_PL)) return null;
  const dir = join(data, "peers-awstats");
  const r = spawnSync("perl", awstatsRun(log, dir, "peers", hosts), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`awstats failed: ${r.stderr}`);
  const f: AwstatsFigures = { visitors: 0, visits: 0, pages: 0, hits: 0, robotHits: 0 };
  for (const name of readdirSync(dir).filter((n) => /^awstats\d{6}\.peers\.txt$/.test(n))) {
    const text = readFileSync(join(dir, name), "utf8");
    const section = (id: string) =>
      (text.match(new RegExp(`^BEGIN_${id} \\d+\\n([\\s\\S]*?)^END_${id}$`, "m"))?.[1] ?? "")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.trim().split(/\s+/));
    for (const [k, v] of section("GENERAL")) {
      if (k === "TotalUnique") f.visitors += Number(v);
      if (k === "TotalVisits") f.visits += Number(v);
    }
    // Day rows: date, pages, hits, bytes, visits (viewed traffic: robots left out).
    for (const row of section("DAY")) {
      f.pages += Number(row[1]);
      f.hits += Number(row[2]);
    }
    // Robot rows: robot, hits, bytes, last visit, hits on robots.txt.
    for (const row of section("ROBOT")) f.robotHits += Number(row[1]);
  }
  return f;
}

const fmt = (n: number) => n.toLocaleString("en-US");
mkdirSync(data, { recursive: true });
const cores: [label: string, run: (text: string, hosts: string[]) => Figures][] = [];
for (const rev of revisions) cores.push([`Vigie ${rev}`, await coreAt(rev)]);
cores.push(["Vigie now", await coreAt(null)]);

for (const { file, hosts } of LOGS) {
  const log = join(logsDir, file);
  const text = readFileSync(log, "utf8");
  const ours = cores.map(([label, run]) => [label, run(text, hosts)] as const);
  const ga = goaccess(log);
  const gaHumans = goaccess(log, ["--ignore-crawlers"]);
  const aw = awstats(log, hosts);
  const crawlerHits = (g: GoAccessJson) =>
    g.browsers.data.find((b) => b.data === "Crawlers")?.hits.count ?? 0;
  const none = "not installed";
  const rows: [string, ...string[]][] = [
    [
      "human visitors",
      ...ours.map(([, f]) => fmt(f.visitors)),
      ga && gaHumans
        ? `${fmt(ga.general.unique_visitors)} (${fmt(gaHumans.general.unique_visitors)} without crawlers)`
        : none,
      aw ? fmt(aw.visitors) : none,
    ],
    ["visits", ...ours.map(([, f]) => fmt(f.visits)), ga ? "—" : none, aw ? fmt(aw.visits) : none],
    [
      "pages",
      ...ours.map(([, f]) => fmt(f.pages)),
      ga ? `${fmt(ga.requests.metadata.hits.total.value)} (requests, not static)` : none,
      aw ? fmt(aw.pages) : none,
    ],
    [
      "robot hits",
      ...ours.map(([, f]) => fmt(f.robotHits)),
      ga ? `${fmt(crawlerHits(ga))} (crawlers)` : none,
      aw ? fmt(aw.robotHits) : none,
    ],
    [
      "hits",
      ...ours.map(([, f]) => fmt(f.hits)),
      ga ? fmt(ga.general.valid_requests) : none,
      aw ? `${fmt(aw.hits)} (robots left out)` : none,
    ],
  ];
  const head = ["", ...ours.map(([label]) => label), "GoAccess 1.7", "AWStats 7.8"];
  console.log(`\n${file} (${fmt(text.split("\n").filter(Boolean).length)} lines)\n`);
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}
