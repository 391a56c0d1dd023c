/**
 * The agent's configuration file (JSON), validated once: every bad key is reported, one line
 * each, before anything runs. Secrets may come from the environment instead of the file
 * (VIGIE_TOKEN, VIGIE_NODE_TOKEN), and the environment wins.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { compileLogFormat, PRESETS } from "../worker/core/log-format";

export interface LogSpec {
  /** One live file (its rotated siblings `NAME.1`, `NAME.2.gz`, `NAME-20250101`… are followed too)… */
  path?: string;
  /** …or a pattern (`*`, `?`, `[abc]` in any path segment) naming several live files. */
  glob?: string;
  /** Sent as the ingest's `&format=`; absent: the site's own format (combined by default). */
  format?: string;
  /** Also ship rotated files older than the agent's first run (once). */
  backfill: boolean;
}

export type NodeRole = "master" | "standby";

export interface AgentConfig {
  workerUrl: string;
  site: string;
  token?: string;
  /** `replicatedAtFile`: a file the standby's replication job touches when a copy succeeds; its mtime is sent as `replicatedAt`. */
  node?: { name: string; role: NodeRole; token?: string; replicatedAtFile?: string };
  logs: LogSpec[];
  /** Largest chunk, uncompressed; the worker's own limit caps it. */
  chunkBytes?: number;
  stateFile: string;
  lockFile: string;
  hooks: { onMasterAddressChange?: string };
  retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  /** One HTTP request's time limit. */
  timeoutMs: number;
  /** The hook's time limit. */
  hookTimeoutMs: number;
}

export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; errors: string[] };

export const MIN_CHUNK_BYTES = 4096;
const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TOP_KEYS = [
  "workerUrl",
  "site",
  "token",
  "node",
  "logs",
  "chunkBytes",
  "stateFile",
  "lockFile",
  "hooks",
  "retry",
  "timeoutMs",
  "hookTimeoutMs",
];
const DEFAULT_RETRY = { attempts: 6, initialDelayMs: 1000, maxDelayMs: 60_000 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Collects one message per bad key, each prefixed with the key's path. */
class Checker {
  readonly errors: string[] = [];

  bad(key: string, message: string): undefined {
    this.errors.push(`${key}: ${message}`);
    return undefined;
  }

  unknownKeys(obj: Obj, allowed: string[], prefix: string): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
      this.bad(
        prefix + k,
        `unknown key${near ? ` (did you mean "${near}"?)` : ""}; known keys: ${allowed.join(", ")}`,
      );
    }
  }

  string(obj: Obj, key: string, prefix: string, required: boolean): string | undefined {
    const v = obj[key];
    if (v === undefined) return required ? this.bad(prefix + key, "missing") : undefined;
    if (typeof v !== "string" || v.trim() === "")
      return this.bad(prefix + key, `must be a non-empty string, not ${JSON.stringify(v)}`);
    return v;
  }

  int(obj: Obj, key: string, prefix: string, min: number, max: number): number | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      return this.bad(
        prefix + key,
        `must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`,
      );
    }
    return v;
  }
}

/**
 * Parses and checks the configuration file's text. Relative paths are taken from the config
 * file's directory; `env` supplies VIGIE_TOKEN and VIGIE_NODE_TOKEN (they override the file).
 */
export function parseConfig(
  text: string,
  configPath: string,
  env: Readonly<Record<string, string | undefined>>,
): ConfigResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${(e as Error).message}`] };
  }
  if (!isObj(raw)) return { ok: false, errors: ["must be a JSON object"] };
  const c = new Checker();
  const base = dirname(resolve(configPath));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  c.unknownKeys(raw, TOP_KEYS, "");

  const workerUrl = checkUrl(c, raw);
  const site = c.string(raw, "site", "", true);
  if (site !== undefined && !SITE_NAME.test(site))
    c.bad("site", `"${site}" is not a site name (lowercase letters, digits and '-')`);
  const token = env.VIGIE_TOKEN || c.string(raw, "token", "", false);
  const node = checkNode(c, raw.node, env, abs);
  const logs = checkLogs(c, raw.logs, abs);
  const chunkBytes = c.int(raw, "chunkBytes", "", MIN_CHUNK_BYTES, 1 << 30);
  const stateFile = abs(c.string(raw, "stateFile", "", false) ?? "vigie-agent-state.json");
  const lockFile = abs(c.string(raw, "lockFile", "", false) ?? `${stateFile}.lock`);
  const hooks = checkHooks(c, raw.hooks);
  const retry = checkRetry(c, raw.retry);
  const timeoutMs = c.int(raw, "timeoutMs", "", 1000, 3_600_000) ?? 120_000;
  const hookTimeoutMs = c.int(raw, "hookTimeoutMs", "", 1000, 3_600_000) ?? 60_000;

  if (c.errors.length) return { ok: false, errors: c.errors };
  return {
    ok: true,
    config: {
      workerUrl: workerUrl!,
      site: site!,
      token,
      node,
      logs,
      chunkBytes,
      stateFile,
      lockFile,
      hooks,
      retry,
      timeoutMs,
      hookTimeoutMs,
    },
  };
}

/** What a command needs beyond the common keys; messages in the same style. */
export function missingFor(config: AgentConfig, command: "run" | "status" | "heartbeat"): string[] {
  const out: string[] = [];
  const logs = config.logs.length > 0;
  if (command === "run" && logs && !config.token)
    out.push("token: missing (set it in the file or in VIGIE_TOKEN)");
  // `run` on a box with no logs of its own (a standby) only sends the heartbeat.
  if (!logs && (command === "status" || (command === "run" && !config.node)))
    out.push("logs: no log file configured");
  if (command === "heartbeat" && !config.node)
    out.push("node: missing (name, role and token of this box)");
  // `run` sends the heartbeat too when `node` is there.
  if (command !== "status" && config.node && !config.node.token)
    out.push("node.token: missing (set it in the file or in VIGIE_NODE_TOKEN)");
  return out;
}

function checkUrl(c: Checker, raw: Obj): string | undefined {
  const s = c.string(raw, "workerUrl", "", true);
  if (s === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return c.bad("workerUrl", `"${s}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return c.bad("workerUrl", `must be http(s), not ${url.protocol}`);
  if (url.search || url.hash) return c.bad("workerUrl", "must not carry a query or a fragment");
  return s.replace(/\/+$/, "");
}

function checkNode(
  c: Checker,
  v: unknown,
  env: Readonly<Record<string, string | undefined>>,
  abs: (p: string) => string,
): AgentConfig["node"] {
  if (v === undefined) return undefined;
  if (!isObj(v)) return c.bad("node", "must be an object { name, role, token, replicatedAtFile }");
  c.unknownKeys(v, ["name", "role", "token", "replicatedAtFile"], "node.");
  const name = c.string(v, "name", "node.", true);
  const role = v.role;
  if (role !== "master" && role !== "standby")
    c.bad("node.role", `must be "master" or "standby", not ${JSON.stringify(role)}`);
  const token = env.VIGIE_NODE_TOKEN || c.string(v, "token", "node.", false);
  const replicatedAtFile = c.string(v, "replicatedAtFile", "node.", false);
  return name === undefined
    ? undefined
    : {
        name,
        role: role as NodeRole,
        token,
        replicatedAtFile: replicatedAtFile && abs(replicatedAtFile),
      };
}

function checkLogs(c: Checker, v: unknown, abs: (p: string) => string): LogSpec[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return c.bad("logs", "must be a list of { path | glob, format }") ?? [];
  const out: LogSpec[] = [];
  for (const [i, item] of v.entries()) {
    const at = `logs[${i}]`;
    if (!isObj(item)) {
      c.bad(at, "must be an object { path | glob, format }");
      continue;
    }
    c.unknownKeys(item, ["path", "glob", "format", "backfill"], `${at}.`);
    const path = c.string(item, "path", `${at}.`, false);
    const glob = c.string(item, "glob", `${at}.`, false);
    if ((path === undefined) === (glob === undefined)) {
      c.bad(at, 'needs exactly one of "path" or "glob"');
      continue;
    }
    if (path !== undefined && /[*?[]/.test(path)) {
      c.bad(`${at}.path`, `"${path}" has wildcards: use "glob"`);
      continue;
    }
    const format = c.string(item, "format", `${at}.`, false);
    if (format !== undefined) {
      const f = compileLogFormat(format);
      if (!f.ok)
        c.bad(
          `${at}.format`,
          `${f.error} (presets: ${Object.keys(PRESETS).join(", ")}, or an Apache LogFormat / nginx log_format string)`,
        );
    }
    if (item.backfill !== undefined && typeof item.backfill !== "boolean")
      c.bad(`${at}.backfill`, "must be true or false");
    out.push({
      path: path && abs(path),
      glob: glob && abs(glob),
      format,
      backfill: item.backfill === true,
    });
  }
  return out;
}

function checkHooks(c: Checker, v: unknown): AgentConfig["hooks"] {
  if (v === undefined) return {};
  if (!isObj(v)) return c.bad("hooks", "must be an object { onMasterAddressChange }") ?? {};
  c.unknownKeys(v, ["onMasterAddressChange"], "hooks.");
  return { onMasterAddressChange: c.string(v, "onMasterAddressChange", "hooks.", false) };
}

function checkRetry(c: Checker, v: unknown): AgentConfig["retry"] {
  if (v === undefined) return DEFAULT_RETRY;
  if (!isObj(v))
    return (
      c.bad("retry", "must be an object { attempts, initialDelayMs, maxDelayMs }") ?? DEFAULT_RETRY
    );
  c.unknownKeys(v, ["attempts", "initialDelayMs", "maxDelayMs"], "retry.");
  const retry = {
    attempts: c.int(v, "attempts", "retry.", 1, 100) ?? DEFAULT_RETRY.attempts,
    initialDelayMs:
      c.int(v, "initialDelayMs", "retry.", 0, 600_000) ?? DEFAULT_RETRY.initialDelayMs,
    maxDelayMs: c.int(v, "maxDelayMs", "retry.", 0, 3_600_000) ?? DEFAULT_RETRY.maxDelayMs,
  };
  if (retry.maxDelayMs < retry.initialDelayMs)
    c.bad("retry.maxDelayMs", `must be at least initialDelayMs (${retry.initialDelayMs})`);
  return retry;
}
