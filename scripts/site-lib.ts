/**
 * What `npm run site` does, behind its thin CLI (scripts/site.ts): sites and their tokens in D1,
 * through wrangler (`d1 migrations apply`, `d1 execute`), locally or on the deployed database.
 * Tokens are minted here, printed once by the CLI, and only their sha-256 reaches D1.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { hashToken, newToken, type TokenKind } from "../worker/auth/tokens";
import { resolveConfig, type UserConfig } from "../worker/core/config";

/** An operator's mistake (bad name, duplicate site, bad config): the CLI prints the message alone. */
export class SiteError extends Error {
  override name = "SiteError";
}

/** A wrangler run that exited non-zero; the message carries wrangler's own error text. */
export class WranglerError extends Error {
  override name = "WranglerError";
  constructor(readonly args: string[], readonly exitCode: number | string | null, readonly detail: string) {
    super(`wrangler ${describeArgs(args)} failed (exit ${exitCode}):\n${detail}`);
  }
}

/** The D1 binding in wrangler.toml. */
export const DATABASE = "DB";
export const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const PRIVACY = ["full", "truncate", "hash"] as const;
export type Privacy = (typeof PRIVACY)[number];
/** The tokens a site row holds (node tokens belong to nodes). */
export type SiteTokenKind = Extract<TokenKind, "agent" | "read">;
export const SITE_TOKEN_KINDS: readonly SiteTokenKind[] = ["agent", "read"];
const TOKEN_COLUMN: Record<SiteTokenKind, string> = { agent: "agent_token_hash", read: "read_token_hash" };

/** Which D1: the local one (in wrangler's default state dir, or `persistTo`) or the deployed one. */
export type D1Target = { remote: true } | { remote: false; persistTo?: string };

export interface WranglerOptions {
  /** The project root, where wrangler.toml is. */
  cwd: string;
  /** Where wrangler's own output is copied as it arrives (the CLI passes process.stderr, never stdout). */
  echo?: NodeJS.WritableStream;
}

// ---- SQL: statements are built as text because `wrangler d1 execute` binds no parameters. ----

/** A SQL string literal. NUL cannot round-trip through one, so it is refused rather than cut. */
export function sqlString(value: string): string {
  if (value.includes("\0")) throw new SiteError("a SQL string literal cannot hold a NUL character");
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL literal for a value: strings quoted, booleans as 0/1, integers as digits. */
export function sqlValue(value: string | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new SiteError(`not an integer: ${value}`);
    return String(value);
  }
  return sqlString(value);
}

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
  const values = [row.name, row.agentTokenHash, row.readTokenHash, row.public, row.privacy, row.config].map(sqlValue);
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
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

export function targetArgs(target: D1Target): string[] {
  if (target.remote) return ["--remote"];
  return target.persistTo ? ["--local", "--persist-to", target.persistTo] : ["--local"];
}

/**
 * Runs the project's wrangler (the same binary `npx wrangler` finds, without npx's start-up) and
 * captures its output. stdin is closed, so wrangler never prompts: it takes its non-interactive
 * defaults (`migrations apply` proceeds).
 */
export function runWrangler(
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
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").trim();
  return plain(stderr) || plain(stdout).split("\n").slice(-20).join("\n") || "(no output)";
}

function describeArgs(args: string[]): string {
  return args.map((a) => (a.length > 60 ? `${a.slice(0, 57)}…` : a)).map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ");
}

export async function applyMigrations(target: D1Target, opts: WranglerOptions): Promise<void> {
  await runWrangler(["d1", "migrations", "apply", DATABASE, ...targetArgs(target)], opts);
}

/**
 * Runs one statement with `--command` and returns its rows. Not `--file`: on the deployed database
 * a file goes through D1's import API, which returns no rows and takes the database offline meanwhile.
 */
export async function d1Execute<Row>(sql: string, target: D1Target, opts: WranglerOptions): Promise<Row[]> {
  const args = ["d1", "execute", DATABASE, ...targetArgs(target), "--json", "--command", sql];
  let stdout: string;
  try {
    ({ stdout } = await runWrangler(args, { ...opts, echoStdout: false }));
  } catch (e) {
    if (e instanceof WranglerError && /no such table/.test(e.detail)) {
      throw new SiteError(`${e.detail}\nThis database has no migrations applied yet: \`npm run site -- add NAME\` applies them.`);
    }
    throw e;
  }
  const results = JSON.parse(stdout) as { results: Row[] }[];
  return results.at(-1)?.results ?? [];
}

// ---- commands ----

export function checkSiteName(name: string): void {
  if (!SITE_NAME.test(name)) {
    throw new SiteError(`bad site name ${JSON.stringify(name)}: use 1 to 63 lowercase letters, digits or '-', not starting with '-'`);
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
  if (typeof user !== "object" || user === null || Array.isArray(user)) throw new SiteError(`config ${path}: must be a JSON object`);
  const checked = resolveConfig(user as UserConfig);
  if (!checked.ok) throw new SiteError(`config ${path}:\n  ${checked.errors.join("\n  ")}`);
  return user as UserConfig;
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
    throw new SiteError(`site "${o.name}" already exists; new tokens: npm run site -- token ${o.name} --kind agent|read`);
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
  const rows = await d1Execute<{ id: number }>(rotateTokenSql(name, kind, await hashToken(token)), target, opts);
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
  const rows = await d1Execute<{ name: string; public: number; privacy: Privacy; created_at: number }>(listSitesSql(), target, opts);
  return rows.map((r) => ({
    site: r.name,
    public: r.public === 1,
    privacy: r.privacy,
    createdAt: new Date(r.created_at * 1000).toISOString(),
  }));
}
