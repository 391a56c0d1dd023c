/**
 * What `npm run site` does, behind its thin CLI (scripts/site.ts): sites and their tokens in D1,
 * through wrangler (`d1 migrations apply`, `d1 execute`), locally or on the deployed database.
 * Tokens are minted here, printed once by the CLI, and only their sha-256 reaches D1.
 */
import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashToken, newToken, type TokenKind } from "../worker/auth/tokens";
import type { UserConfig } from "../worker/core/config";
import { importSiteSql, importStateSql } from "../worker/db/queries/import-site";
import { sqlString, sqlValue } from "../worker/db/sql-literal";
import type { ExportTable } from "../worker/schemas/site-export";
import { checkExport, EXPORT_TABLE_NAMES } from "../worker/schemas/site-export";
import { checkSiteConfig } from "../worker/schemas/site-config";
import { STALE_POLICIES, type StalePolicy } from "../worker/watchdog/model";
import { DEPLOY_CONFIG, deployedConfigArgs } from "./deploy-config";

/** An operator's mistake (bad name, duplicate site, bad config): the CLI prints the message alone. */
export class SiteError extends Error {
  override name = "SiteError";
}

/** A wrangler run that exited non-zero; the message carries wrangler's own error text. */
export class WranglerError extends Error {
  override name = "WranglerError";
  constructor(
    readonly args: string[],
    readonly exitCode: number | string | null,
    readonly detail: string,
  ) {
    super(`wrangler ${describeArgs(args)} failed (exit ${exitCode}):\n${detail}`);
  }
}

/** The D1 binding in wrangler.toml. */
/** The D1 binding of the sites' database; a site of its own names another (worker/db/databases.ts). */
const DATABASE = "DB";
export const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const PRIVACY = ["full", "truncate", "hash"] as const;
export type Privacy = (typeof PRIVACY)[number];
/** The tokens a site row holds (node tokens belong to nodes). */
export type SiteTokenKind = Extract<TokenKind, "agent" | "read">;
export const SITE_TOKEN_KINDS: readonly SiteTokenKind[] = ["agent", "read"];
const TOKEN_COLUMN: Record<SiteTokenKind, string> = {
  agent: "agent_token_hash",
  read: "read_token_hash",
};

/** Which D1: the local one (in wrangler's default state dir, or `persistTo`) or the deployed one. */
export type D1Target = ({ remote: true } | { remote: false; persistTo?: string }) & {
  /** The D1 binding to act on: DB unless a site has a database of its own (`--database`). */
  binding?: string;
};

export interface WranglerOptions {
  /** The project root, where wrangler.toml is. */
  cwd: string;
  /** Where wrangler's own output is copied as it arrives (the CLI passes process.stderr, never stdout). */
  echo?: NodeJS.WritableStream;
}

// ---- SQL: statements are built as text because `wrangler d1 execute` binds no parameters. ----

export { sqlString, sqlValue };

export interface NewSiteRow {
  name: string;
  agentTokenHash: string;
  readTokenHash: string;
  public: boolean;
  privacy: Privacy;
  /** The user's analysis configuration (core UserConfig) as JSON. */
  config: string;
}

/** Inserts a site; returns its id, or no row when the name is taken. */
export function insertSiteSql(row: NewSiteRow): string {
  const values = [
    row.name,
    row.agentTokenHash,
    row.readTokenHash,
    row.public,
    row.privacy,
    row.config,
  ].map(sqlValue);
  return `INSERT INTO sites (name, agent_token_hash, read_token_hash, public, privacy, config) VALUES (${values.join(", ")}) ON CONFLICT (name) DO NOTHING RETURNING id`;
}

/** Replaces one token hash of a site; returns its id, or no row when there is no such site. */
export function rotateTokenSql(name: string, kind: SiteTokenKind, tokenHash: string): string {
  return `UPDATE sites SET ${TOKEN_COLUMN[kind]} = ${sqlString(tokenHash)} WHERE name = ${sqlString(name)} RETURNING id`;
}

export function listSitesSql(): string {
  return "SELECT name, public, privacy, created_at FROM sites ORDER BY name";
}

// ---- wrangler ----

const WRANGLER_BIN = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
/** No telemetry, update check or `request.cf` download (DESIGN.md, toolchain facts). */
const WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export function targetArgs(target: D1Target): string[] {
  if (target.remote) return ["--remote"];
  return target.persistTo ? ["--local", "--persist-to", target.persistTo] : ["--local"];
}

/** A local database that another process (the worker `npm start` runs) is writing at that moment. */
const BUSY = /SQLITE_BUSY|database is locked/;

/**
 * Runs the project's wrangler (the same binary `npx wrangler` finds, without npx's start-up) and
 * captures its output. stdin is closed, so wrangler never prompts: it takes its non-interactive
 * defaults (`migrations apply` proceeds). A local database found busy is tried again, a few
 * times: workerd's SQLite does not wait for another process's lock, it fails at once, before
 * writing anything.
 */
export async function runWrangler(
  args: string[],
  opts: WranglerOptions & { echoStdout?: boolean },
): Promise<{ stdout: string; stderr: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runWranglerOnce(args, opts);
    } catch (e) {
      if (!(e instanceof WranglerError) || !BUSY.test(e.detail) || attempt === 6) throw e;
      if (args.includes("--remote")) throw e;
      opts.echo?.write(`site: the local database is busy (a running worker writing); again…\n`);
      await new Promise((r) => setTimeout(r, 200 * attempt + Math.random() * 200));
    }
  }
}

function runWranglerOnce(
  args: string[],
  opts: WranglerOptions & { echoStdout?: boolean },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      out.push(chunk);
      if (opts.echoStdout !== false) opts.echo?.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err.push(chunk);
      opts.echo?.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve({ stdout, stderr });
      else reject(new WranglerError(args, code ?? signal, wranglerFailure(stdout, stderr)));
    });
  });
}

/** Wrangler's error text: with `--json` it is a JSON object on stdout, otherwise coloured text on stderr. */
export function wranglerFailure(stdout: string, stderr: string): string {
  try {
    const text = (JSON.parse(stdout) as { error?: { text?: unknown } }).error?.text;
    if (typeof text === "string") return text;
  } catch {
    // Not JSON: fall through to the text output.
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colour codes (ESC [ … m)
  const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "").trim();
  return plain(stderr) || plain(stdout).split("\n").slice(-20).join("\n") || "(no output)";
}

function describeArgs(args: string[]): string {
  return args
    .map((a) => (a.length > 60 ? `${a.slice(0, 57)}…` : a))
    .map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))
    .join(" ");
}

/** A remote command reads the deployed worker's configuration, which `npm run deploy` writes. */
function remoteConfig(target: D1Target): string[] {
  if (!target.remote) return [];
  const args = deployedConfigArgs();
  if (args.length === 0)
    throw new SiteError(
      `no ${DEPLOY_CONFIG} in this clone: \`npm run deploy\` writes it, with the deployed database's id`,
    );
  return args;
}

export async function applyMigrations(target: D1Target, opts: WranglerOptions): Promise<void> {
  await runWrangler(
    [
      "d1",
      "migrations",
      "apply",
      target.binding ?? DATABASE,
      ...targetArgs(target),
      ...remoteConfig(target),
    ],
    opts,
  );
}

/**
 * Runs one statement with `--command` and returns its rows. Not `--file`: on the deployed database
 * a file goes through D1's import API, which returns no rows and takes the database offline meanwhile.
 */
export async function d1Execute<Row>(
  sql: string,
  target: D1Target,
  opts: WranglerOptions,
): Promise<Row[]> {
  const args = [
    "d1",
    "execute",
    target.binding ?? DATABASE,
    ...targetArgs(target),
    ...remoteConfig(target),
    "--json",
    "--command",
    sql,
  ];
  let stdout: string;
  try {
    ({ stdout } = await runWrangler(args, { ...opts, echoStdout: false }));
  } catch (e) {
    if (e instanceof WranglerError && /no such table/.test(e.detail)) {
      throw new SiteError(
        `${e.detail}\nThis database has no migrations applied yet: \`npm run site -- add NAME\` applies them.`,
      );
    }
    throw e;
  }
  const results = JSON.parse(stdout) as { results: Row[] }[];
  return results.at(-1)?.results ?? [];
}

// ---- commands ----

export function checkSiteName(name: string): void {
  if (!SITE_NAME.test(name)) {
    throw new SiteError(
      `bad site name ${JSON.stringify(name)}: use 1 to 63 lowercase letters, digits or '-', not starting with '-'`,
    );
  }
}

/** Reads and checks a site's analysis configuration; every bad key is listed at once. */
export async function loadUserConfig(path: string): Promise<UserConfig> {
  let user: unknown;
  try {
    user = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new SiteError(`config ${path}: ${(e as Error).message}`);
  }
  if (typeof user !== "object" || user === null || Array.isArray(user))
    throw new SiteError(`config ${path}: must be a JSON object`);
  const checked = checkSiteConfig(user);
  if (!checked.ok) throw new SiteError(`config ${path}:\n  ${checked.errors.join("\n  ")}`);
  return checked.config;
}

export interface AddSiteOptions {
  name: string;
  target: D1Target;
  public?: boolean;
  privacy?: Privacy;
  config?: UserConfig;
}

export interface NewSite {
  site: string;
  agentToken: string;
  readToken: string;
}

/** Applies pending migrations, then creates the site with fresh tokens (returned, never stored). */
export async function addSite(o: AddSiteOptions, opts: WranglerOptions): Promise<NewSite> {
  checkSiteName(o.name);
  const agentToken = newToken("agent");
  const readToken = newToken("read");
  const sql = insertSiteSql({
    name: o.name,
    agentTokenHash: await hashToken(agentToken),
    readTokenHash: await hashToken(readToken),
    public: o.public ?? false,
    privacy: o.privacy ?? "truncate",
    config: JSON.stringify(o.config ?? {}),
  });
  await applyMigrations(o.target, opts);
  const rows = await d1Execute<{ id: number }>(sql, o.target, opts);
  if (rows.length === 0) {
    throw new SiteError(
      `site "${o.name}" already exists; new tokens: npm run site -- token ${o.name} --kind agent|read`,
    );
  }
  return { site: o.name, agentToken, readToken };
}

/** Replaces a site's agent or read token: the old one stops working at once. */
export async function rotateToken(
  name: string,
  kind: SiteTokenKind,
  target: D1Target,
  opts: WranglerOptions,
): Promise<Record<string, string>> {
  checkSiteName(name);
  const token = newToken(kind);
  const rows = await d1Execute<{ id: number }>(
    rotateTokenSql(name, kind, await hashToken(token)),
    target,
    opts,
  );
  if (rows.length === 0) throw new SiteError(`no site "${name}"`);
  return { site: name, [`${kind}Token`]: token };
}

export interface SiteSummary {
  site: string;
  public: boolean;
  privacy: Privacy;
  createdAt: string;
}

export async function listSites(target: D1Target, opts: WranglerOptions): Promise<SiteSummary[]> {
  const rows = await d1Execute<{
    name: string;
    public: number;
    privacy: Privacy;
    created_at: number;
  }>(listSitesSql(), target, opts);
  return rows.map((r) => ({
    site: r.name,
    public: r.public === 1,
    privacy: r.privacy,
    createdAt: new Date(r.created_at * 1000).toISOString(),
  }));
}

// ---- the watchdog: nodes and the watch configuration ----

export const NODE_ROLES = ["master", "standby"] as const;
export type NodeRole = (typeof NODE_ROLES)[number];
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const DNS_PROVIDERS = ["cloudflare", "gandi"] as const;
export const RECORD_TYPES = ["A", "AAAA"] as const;
export const FAILBACK_MODES = ["manual", "auto"] as const;

export interface NewNode {
  site: string;
  node: string;
  role: NodeRole;
  nodeToken: string;
}

/** The site's id and the node holding `role`, if any: no row when there is no such site. */
export function roleHolderSql(site: string, role: NodeRole): string {
  return `SELECT s.id AS id, (SELECT n.node FROM nodes AS n WHERE n.site_id = s.id AND n.role = ${sqlString(role)}) AS holder FROM sites AS s WHERE s.name = ${sqlString(site)}`;
}

/** Creates the node, or gives an existing one its role and a new token (the old token stops working). */
export function upsertNodeSql(
  site: string,
  node: string,
  role: NodeRole,
  tokenHash: string,
  now: number,
): string {
  return `INSERT INTO nodes (site_id, node, role, token_hash, created_at) SELECT id, ${sqlString(node)}, ${sqlString(role)}, ${sqlString(tokenHash)}, ${sqlValue(now)} FROM sites WHERE name = ${sqlString(site)} ON CONFLICT (site_id, node) DO UPDATE SET role = excluded.role, token_hash = excluded.token_hash RETURNING node`;
}

/**
 * Runs `sql`; when the database lacks a table or column it needs (migrations pending: a site made
 * before the watchdog existed), applies the migrations and runs it again. Saves a wrangler run in
 * the usual case.
 */
async function executeMigrated<Row>(
  sql: string,
  target: D1Target,
  opts: WranglerOptions,
): Promise<Row[]> {
  try {
    return await d1Execute<Row>(sql, target, opts);
  } catch (e) {
    if (
      !(e instanceof SiteError || e instanceof WranglerError) ||
      !/no such (table|column)/.test(e.message)
    )
      throw e;
    await applyMigrations(target, opts);
    return d1Execute<Row>(sql, target, opts);
  }
}

/** Registers a node of the site with a fresh token (returned, never stored), applying pending migrations if need be. */
export async function addNode(
  site: string,
  node: string,
  role: NodeRole,
  target: D1Target,
  opts: WranglerOptions,
): Promise<NewNode> {
  checkSiteName(site);
  if (!NODE_NAME.test(node))
    throw new SiteError(
      `bad node name ${JSON.stringify(node)}: use 1 to 63 letters, digits, '.', '_' or '-'`,
    );
  const [found] = await executeMigrated<{ id: number; holder: string | null }>(
    roleHolderSql(site, role),
    target,
    opts,
  );
  if (!found) throw new SiteError(`no site "${site}"`);
  if (found.holder !== null && found.holder !== node) {
    throw new SiteError(
      `site "${site}" already has a ${role}: node "${found.holder}" (a site has one master and one standby)`,
    );
  }
  const nodeToken = newToken("node");
  const rows = await d1Execute<{ node: string }>(
    upsertNodeSql(site, node, role, await hashToken(nodeToken), Date.now()),
    target,
    opts,
  );
  if (rows.length === 0) throw new SiteError(`no site "${site}"`);
  return { site, node, role, nodeToken };
}

export interface WatchSettings {
  provider: (typeof DNS_PROVIDERS)[number];
  /** Cloudflare's zone id, or the domain for Gandi. */
  zone: string;
  record: string;
  type: (typeof RECORD_TYPES)[number];
  lease: number;
  failback: (typeof FAILBACK_MODES)[number];
  down: number;
  up: number;
  stable: number;
  maxSwitches: number;
  window: number;
  minUpdate: number;
  replicationMaxAge: number;
  /** What a standby copy older than replicationMaxAge does: warn (the default) or refuse the failover. Kept when not given. */
  stale?: StalePolicy;
}

export const WATCH_DEFAULTS = {
  type: "A",
  lease: 180,
  failback: "manual",
  down: 3,
  up: 5,
  stable: 900,
  maxSwitches: 2,
  window: 21600,
  minUpdate: 300,
  replicationMaxAge: 86400,
} as const;

/** Integer settings and their bounds. */
const WATCH_BOUNDS: Record<
  "lease" | "down" | "up" | "stable" | "maxSwitches" | "window" | "minUpdate" | "replicationMaxAge",
  [number, number, string]
> = {
  lease: [10, 86_400, "--lease (seconds)"],
  down: [2, 1000, "--down (ticks)"],
  up: [1, 1000, "--up (ticks)"],
  stable: [0, 604_800, "--stable (seconds)"],
  maxSwitches: [1, 1000, "--max-switches"],
  window: [60, 2_592_000, "--window (seconds)"],
  minUpdate: [0, 86_400, "--min-update (seconds)"],
  replicationMaxAge: [60, 31_536_000, "--replication-max-age (seconds)"],
};

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Checks the settings; every problem is listed at once. Returns them normalised (names lowercase, no trailing dot). */
export function checkWatch(w: WatchSettings): WatchSettings {
  const errors: string[] = [];
  const record = w.record.toLowerCase().replace(/\.$/, "");
  let zone = w.zone;
  if (!(DNS_PROVIDERS as readonly string[]).includes(w.provider))
    errors.push(`--provider must be one of ${DNS_PROVIDERS.join(", ")}`);
  if (!(RECORD_TYPES as readonly string[]).includes(w.type))
    errors.push(`--type must be A or AAAA`);
  if (!(FAILBACK_MODES as readonly string[]).includes(w.failback))
    errors.push(`--failback must be manual or auto`);
  if (w.stale !== undefined && !(STALE_POLICIES as readonly string[]).includes(w.stale))
    errors.push(`--stale must be warn or refuse`);
  if (!DOMAIN.test(record))
    errors.push(`--record ${JSON.stringify(w.record)} is not a fully qualified domain name`);
  if (w.provider === "gandi") {
    zone = zone.toLowerCase().replace(/\.$/, "");
    if (!DOMAIN.test(zone))
      errors.push(`--zone ${JSON.stringify(w.zone)} must be the domain for Gandi`);
    else if (record !== zone && !record.endsWith(`.${zone}`))
      errors.push(`--record ${record} is not inside the domain ${zone}`);
  } else if (!/^[A-Za-z0-9_-]{1,64}$/.test(zone)) {
    errors.push(
      `--zone ${JSON.stringify(w.zone)} must be Cloudflare's zone id (32 hex characters, on the zone's overview page)`,
    );
  }
  for (const [key, [min, max, flag]] of Object.entries(WATCH_BOUNDS)) {
    const v = w[key as keyof typeof WATCH_BOUNDS];
    if (!Number.isSafeInteger(v) || v < min || v > max)
      errors.push(`${flag} must be an integer from ${min} to ${max}`);
  }
  if (errors.length) throw new SiteError(`watch:\n  ${errors.join("\n  ")}`);
  return { ...w, zone, record };
}

/**
 * Sets the watch configuration and creates the state row (MASTER_ACTIVE, epoch 1) if there is none.
 * An existing state keeps its role and epoch, but forgets what the record was last set to: the next
 * tick reads the (maybe new) record and writes it only if it is not right. The version bump makes a
 * tick running meanwhile lose its compare-and-swap. The last statement returns the site's id.
 */
export function watchSql(site: string, w: WatchSettings, now: number): string {
  const siteId = `(SELECT id FROM sites WHERE name = ${sqlString(site)})`;
  const cols = {
    provider: w.provider,
    zone: w.zone,
    record: w.record,
    type: w.type,
    lease_seconds: w.lease,
    down_ticks: w.down,
    up_ticks: w.up,
    failback: w.failback,
    stable_seconds: w.stable,
    max_switches: w.maxSwitches,
    switch_window_seconds: w.window,
    min_update_seconds: w.minUpdate,
    replication_max_age_seconds: w.replicationMaxAge,
    // Only when given: the column comes with a migration not in this version yet (README).
    ...(w.stale === undefined ? {} : { stale_policy: w.stale }),
  };
  const names = Object.keys(cols);
  const values = Object.values(cols).map(sqlValue);
  return [
    `INSERT INTO watchdog_state (site_id, since) SELECT id, ${sqlValue(now)} FROM sites WHERE name = ${sqlString(site)} ON CONFLICT (site_id) DO UPDATE SET target = NULL, record_content = NULL, record_checked_at = NULL, version = version + 1`,
    `INSERT INTO watch_config (site_id, ${names.join(", ")}) SELECT ${siteId}, ${values.join(", ")} WHERE ${siteId} IS NOT NULL ON CONFLICT (site_id) DO UPDATE SET ${names.map((n) => `${n} = excluded.${n}`).join(", ")} RETURNING site_id`,
  ].join(";\n");
}

/** Sets the site's watchdog (applying pending migrations if need be); returns the settings as stored. */
export async function watchSite(
  site: string,
  settings: WatchSettings,
  target: D1Target,
  opts: WranglerOptions,
): Promise<{ site: string } & WatchSettings> {
  checkSiteName(site);
  const w = checkWatch(settings);
  const rows = await executeMigrated<{ site_id: number }>(
    watchSql(site, w, Date.now()),
    target,
    opts,
  );
  if (rows.length === 0) throw new SiteError(`no site "${site}"`);
  return { site, ...w };
}

// ---- the owner's restore of an export ----

/** The largest export `import` reads: checked before parsing, the file read no further. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/** A file's text, refused (SiteError) past `max` bytes without reading beyond it. */
export async function readCapped(path: string, max: number): Promise<string> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "r");
  } catch (e) {
    throw new SiteError(`${path}: ${(e as Error).message}`);
  }
  try {
    const { size } = await file.stat();
    if (size > max) throw new SiteError(`${path}: ${size} bytes, over the ${max} an import reads`);
    const buf = Buffer.alloc(max + 1);
    let at = 0;
    for (;;) {
      const { bytesRead } = await file.read(buf, at, buf.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      if (at > max) throw new SiteError(`${path}: over the ${max} bytes an import reads`);
    }
    return buf.subarray(0, at).toString("utf8");
  } finally {
    await file.close();
  }
}

/** Runs a SQL file; locally one D1 batch (a transaction), remotely D1's import (rolled back on failure). */
async function d1ExecuteFile(path: string, target: D1Target, opts: WranglerOptions): Promise<void> {
  await runWrangler(
    ["d1", "execute", target.binding ?? DATABASE, ...targetArgs(target), "--yes", "--file", path],
    {
      ...opts,
      echoStdout: false,
    },
  );
}

export interface ImportOutcome {
  site: string;
  status: "imported";
  rows: Record<ExportTable, number>;
  statements: number;
}

/**
 * Restores an export (GET /api/v1/sites/NAME/export) into the site NAME, which must hold no
 * statistics. The owner's command: it writes through wrangler with the owner's Cloudflare
 * credentials, so no token the worker knows can rewrite a site's configuration or figures. The
 * file is size-capped before parsing, checked whole (worker/schemas/site-export.ts) before
 * anything is written, and written in one transaction.
 */
export async function importSite(
  name: string,
  file: string,
  target: D1Target,
  opts: WranglerOptions,
): Promise<ImportOutcome> {
  checkSiteName(name);
  const text = await readCapped(file, MAX_IMPORT_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new SiteError(`${file}: not JSON (${(e as Error).message})`);
  }
  const checked = checkExport(body);
  if (!checked.ok)
    throw new SiteError(`${file} is not a Vigie export:\n  ${checked.errors.join("\n  ")}`);
  const [state] = await executeMigrated<{
    id: number;
    hasData: number;
    maxRunId: number;
    version: number;
  }>(importStateSql(name), target, opts);
  if (!state) throw new SiteError(`no site "${name}"`);
  if (state.hasData)
    throw new SiteError(
      `site "${name}" already holds statistics: an export is restored into an empty site only (npm run site -- add NEW)`,
    );
  const statements = importSiteSql(state, checked.rows, JSON.stringify(checked.config));
  const dir = await mkdtemp(join(tmpdir(), "vigie-import-"));
  try {
    const sql = join(dir, "import.sql");
    await writeFile(sql, `${statements.join(";\n")};\n`);
    await d1ExecuteFile(sql, target, opts);
  } catch (e) {
    if (e instanceof WranglerError && /NOT NULL constraint failed: guard\.ok/.test(e.detail))
      throw new SiteError(
        `site "${name}" changed during the import (an upload or a run landed): nothing was written; try again`,
      );
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    site: name,
    status: "imported",
    rows: Object.fromEntries(EXPORT_TABLE_NAMES.map((t) => [t, checked.rows[t].length])) as Record<
      ExportTable,
      number
    >,
    statements: statements.length,
  };
}
