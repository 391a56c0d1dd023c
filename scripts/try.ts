/**
 * `npm run try -- FILE [--format F] [--site NAME]`: ships a log file (plain or gzip) to the worker
 * `npm start` runs, with the bundled edge agent, and prints the site's report URL and read token.
 * The site is named after the file and created on first use (tokens kept in `.vigie/try/`); run it
 * again and only what the file gained is sent. Without --format, the first lines pick one of
 * combined (nginx's default too), vhost_combined and common.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, gunzipSync } from "node:zlib";
import { defineCommand, runMain } from "citty";
import { compileLogFormat, PRESETS } from "../worker/core/log-format";
import { analyzeText } from "../worker/core/analyze";
import { resolveConfig } from "../worker/core/config";
import { fetchAgain, localState, root } from "./local-worker";
import { hashToken, newToken } from "../worker/auth/tokens";
import {
  checkSiteName,
  d1Execute,
  insertSiteSql,
  SiteError,
  SITE_NAME,
  WranglerError,
} from "./site-lib";
import { agentBundle, ensureAgent } from "./up-to-date";

class TryError extends Error {
  override name = "TryError";
}

/** The running worker, as `npm start` announced it in `.vigie/running.json`. */
async function runningWorker(stateDir: string): Promise<{ url: string; db: string }> {
  const notRunning = new TryError(
    "no Vigie is running here: start it with `npm start` (in another terminal), then try again",
  );
  let running: { pid: number; url: string; db: string };
  try {
    running = JSON.parse(readFileSync(join(stateDir, "running.json"), "utf8"));
    process.kill(running.pid, 0);
  } catch {
    throw notRunning;
  }
  const ok = await fetchAgain(`${running.url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!ok) throw notRunning;
  return running;
}

/** A site name from a log's path: `/var/log/nginx/access.log` → `nginx-access`. */
export function siteNameFor(path: string): string {
  const file = basename(path)
    .replace(/\.gz$/, "")
    .replace(/[.-](\d+|\d{8})$/, "")
    .replace(/[._-]?log$/i, "");
  const generic = /^(access|other_vhosts_access|)$/i.test(file);
  const name = (generic ? `${basename(dirname(resolve(path)))}-${file}` : file)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return SITE_NAME.test(name) ? name : "my-log";
}

/** The first lines of the file, decompressed if it is gzip. */
function firstLines(path: string, count: number): string[] {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(256 * 1024);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  let bytes = head.subarray(0, n);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  const lines = bytes.toString("utf8").split("\n");
  if (bytes.length >= head.length || lines.at(-1) !== "") lines.pop(); // a cut last line
  return lines.filter((l) => l.trim() !== "").slice(0, count);
}

/** The share of `lines` that the analysis reads with `format` (the worker's own code). */
function parsedShare(format: string, lines: string[]): number {
  const compiled = compileLogFormat(PRESETS[format as keyof typeof PRESETS] ?? format);
  if (!compiled.ok) throw new TryError(`--format: ${compiled.error}`);
  const config = resolveConfig({ format });
  if (!config.ok) throw new TryError(`--format: ${config.errors.join("; ")}`);
  const partial = analyzeText(`${lines.join("\n")}\n`, config.config);
  return partial.lines ? partial.hits / partial.lines : 0;
}

/** The format to send the file as: the one given, or the first preset that reads its first lines. */
export function pickFormat(path: string, given: string | undefined): string {
  const lines = firstLines(path, 200);
  if (lines.length === 0) throw new TryError(`${path} holds no complete line yet`);
  if (given !== undefined) {
    const share = parsedShare(given, lines);
    if (share < 0.5)
      console.error(
        `try: warning: --format ${given} reads ${Math.round(share * 100)} % of the first lines`,
      );
    return given;
  }
  // combined first: `common` also reads combined lines (what follows its fields is ignored).
  const candidates = ["combined", "vhost_combined", "common"] as const;
  for (const name of candidates) if (parsedShare(name, lines) >= 0.9) return name;
  throw new TryError(
    `none of ${candidates.join(", ")} reads the first lines of ${path}; give the format: --format '<Apache LogFormat or nginx log_format>'\nfirst line: ${lines[0].slice(0, 200)}`,
  );
}

interface TrySite {
  site: string;
  agentToken: string;
  readToken: string;
}

/**
 * Creates the site with fresh tokens, as `npm run site -- add` does but without its migrations
 * run: `npm start` has applied them to this database. Null when the name is taken.
 */
async function createSite(name: string, persistTo: string): Promise<TrySite | null> {
  checkSiteName(name);
  const site = { site: name, agentToken: newToken("agent"), readToken: newToken("read") };
  const sql = insertSiteSql({
    name,
    agentTokenHash: await hashToken(site.agentToken),
    readTokenHash: await hashToken(site.readToken),
    public: false,
    privacy: "truncate",
    config: "{}",
  });
  const rows = await d1Execute<{ id: number }>(sql, { remote: false, persistTo }, { cwd: root });
  return rows.length ? site : null;
}

function runAgent(config: string): Promise<number> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [agentBundle, "run", "--config", config], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", rej);
    child.on("exit", (code) => res(code ?? 1));
  });
}

async function ship(args: { file: string; format?: string; site?: string }): Promise<void> {
  const path = resolve(args.file);
  const state = localState();
  const worker = await runningWorker(state.dir);
  const format = pickFormat(path, args.format);
  const name = args.site ?? siteNameFor(path);
  const dir = join(state.dir, "try", name);
  mkdirSync(dir, { recursive: true });
  const tokensFile = join(dir, "site.json");
  const create = async (): Promise<TrySite> => {
    const site = await createSite(name, worker.db);
    if (!site)
      throw new TryError(
        `a site "${name}" exists already and its tokens are not in ${tokensFile}: name another with --site NAME`,
      );
    writeFileSync(tokensFile, `${JSON.stringify(site, null, 2)}\n`, { mode: 0o600 });
    return site;
  };
  let site: TrySite;
  try {
    site = JSON.parse(readFileSync(tokensFile, "utf8"));
  } catch {
    console.log(`try: creating the site "${name}" (${format})…`);
    site = await create();
  }
  await ensureAgent();
  const config = join(dir, "agent.json");
  const writeConfig = (s: TrySite) =>
    writeFileSync(
      config,
      `${JSON.stringify(
        {
          workerUrl: worker.url,
          site: s.site,
          token: s.agentToken,
          stateFile: join(dir, "agent-state.json"),
          logs: [{ path, format }],
        },
        null,
        2,
      )}\n`,
      { mode: 0o600 },
    );
  writeConfig(site);
  console.log(`try: shipping ${path} to ${worker.url} with the edge agent…`);
  let code = await runAgent(config);
  if (code === 4) {
    // The tokens were kept for a database since removed: a new site, from the start of the file.
    console.log(`try: the worker does not know these tokens; creating "${name}" again…`);
    site = await create();
    writeConfig(site);
    code = await runAgent(config);
  }
  if (code !== 0) throw new TryError(`the edge agent exited with code ${code} (see above)`);
  const years = await fetchAgain(`${worker.url}/api/v1/sites/${name}/years`, {
    headers: { authorization: `Bearer ${site.readToken}` },
  }).then(
    (r) =>
      r.json() as Promise<{
        years: { months: { month: string; hits: number; rejected: number }[] }[];
      }>,
  );
  const months = years.years.flatMap((y) => y.months);
  const hits = months.reduce((n, m) => n + m.hits, 0);
  const rejected = months.reduce((n, m) => n + m.rejected, 0);
  const span = months.length ? ` from ${months[0].month} to ${months.at(-1)!.month}` : "";
  console.log(
    `try: ${name} holds ${hits.toLocaleString("en")} hits${span} (${rejected.toLocaleString("en")} lines rejected)`,
  );
  console.log(`report: ${worker.url}/sites/${name}/`);
  console.log(`read token: ${site.readToken}`);
}

const main = defineCommand({
  meta: {
    name: "try",
    description: "Ship a log file to the local Vigie (npm start) and print its report's URL",
  },
  args: {
    file: {
      type: "positional",
      required: true,
      valueHint: "FILE",
      description: "An access log (plain or gzip)",
    },
    format: {
      type: "string",
      valueHint: "F",
      description: `combined, vhost_combined, common, nginx, or a LogFormat string (default: guessed from the first lines)`,
    },
    site: {
      type: "string",
      valueHint: "NAME",
      description: "The site's name (default: from the file's name)",
    },
  },
  async run({ args }) {
    try {
      await ship(args);
    } catch (e) {
      process.exitCode = 1;
      const known = e instanceof TryError || e instanceof SiteError || e instanceof WranglerError;
      console.error(`try: ${known ? (e as Error).message : ((e as Error)?.stack ?? String(e))}`);
    }
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) await runMain(main);
