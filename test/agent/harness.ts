// A real local worker (wrangler dev: workerd + local D1) for the agent's tests: sites made with the
// site CLI's code, the fixture uploaded once to a reference site, and the stored figures of any
// site read back (the summary route, and every table through `wrangler d1 execute --json`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import type { AgentOptions } from "../../edge-agent/agent";
import { runAgent } from "../../edge-agent/agent";
import type { Deps } from "../../edge-agent/deps";
import { addSite, root, startLocalWorker, type LocalWorker } from "../../scripts/local-worker";
import { insertSiteSql, runWrangler, sqlString, upsertNodeSql } from "../../scripts/site-lib";
import { hashToken, newToken } from "../../worker/auth/tokens";
import { testDeps, type TestDeps } from "./deps";
import { tempDir } from "./temp";

export const FIXTURE = join(root, "test", "fixtures", "semicomplete-2015-05.combined.log");
export const LOG = readFileSync(FIXTURE);
export const MONTH = "2015-05";

export interface Site {
  site: string;
  agentToken: string;
  readToken: string;
}

export interface TestWorker {
  url: string;
  persistTo: string;
  sites: Record<string, Site>;
  /** Node tokens by node name. */
  nodes: Record<string, string>;
  worker: LocalWorker;
  stop(): Promise<void>;
}

/**
 * Starts a worker with these sites and nodes (the first site made by the site CLI itself, which also
 * applies the migrations; the rest inserted in one statement built by the same library), and uploads the
 * fixture once, in one chunk, to a site named "ref": the figures every scenario must end with.
 */
export async function startTestWorker(
  names: string[],
  nodes: { site: string; node: string; role: "master" | "standby" }[] = [],
): Promise<TestWorker> {
  if (!existsSync(join(root, "worker", "generated", "geo.bin"))) {
    const r = spawnSync(process.execPath, [join(root, "scripts", "build-geo.mjs")], {
      cwd: root,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`build-geo failed: ${r.stderr}`);
  }
  const persistTo = tempDir("worker");
  const sites: Record<string, Site> = { ref: addSite("ref", persistTo) };
  const rows: string[] = [];
  for (const name of names) {
    const s = { site: name, agentToken: newToken("agent"), readToken: newToken("read") };
    sites[name] = s;
    rows.push(
      insertSiteSql({
        name,
        agentTokenHash: await hashToken(s.agentToken),
        readTokenHash: await hashToken(s.readToken),
        public: false,
        privacy: "truncate",
        config: "{}",
      }),
    );
  }
  const nodeTokens: Record<string, string> = {};
  for (const n of nodes) {
    nodeTokens[n.node] = newToken("node");
    rows.push(
      upsertNodeSql(n.site, n.node, n.role, await hashToken(nodeTokens[n.node]), Date.now()),
    );
  }
  if (rows.length)
    await runWrangler(
      ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", rows.join("; ")],
      { cwd: root },
    );
  // Feed readers' names are looked up over DNS-over-HTTPS: pointed at a closed port, offline.
  // DEV_CLIENT_IP_HEADER: a worker that knows it takes a heartbeat's address from
  // X-Vigie-Client-IP (the agent's VIGIE_CLIENT_IP), as `wrangler dev` sets CF-Connecting-IP to
  // 127.0.0.1, a refused address; one that does not ignores it.
  const worker = await startLocalWorker({
    persistTo,
    vars: { DOH_URL: "http://127.0.0.1:9/dns-query", DEV_CLIENT_IP_HEADER: "1" },
  });
  const t = {
    url: worker.url,
    persistTo,
    sites,
    nodes: nodeTokens,
    worker,
    stop: () => worker.stop(),
  };
  const ref = await uploadOnce(t, "ref", LOG);
  expect(ref).toMatchObject({ status: "applied", lines: 10_000 });
  return t;
}

/** POSTs bytes as one chunk, the way the ingest protocol describes it. */
export async function uploadOnce(t: TestWorker, name: string, bytes: Buffer): Promise<unknown> {
  const body = gzipSync(bytes);
  const q = new URLSearchParams({
    site: name,
    source: "reference",
    start: "0",
    end: String(bytes.length),
  });
  const res = await fetch(`${t.url}/api/v1/ingest?${q}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${t.sites[name].agentToken}`,
      "content-type": "application/gzip",
      "x-content-sha256": createHash("sha256").update(body).digest("hex"),
    },
    body,
  });
  return res.json();
}

export async function summary(t: TestWorker, name: string): Promise<unknown> {
  const res = await fetch(`${t.url}/api/v1/sites/${name}/summary?month=${MONTH}`, {
    headers: { authorization: `Bearer ${t.sites[name].readToken}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/**
 * Every stored figure of these sites, per site, without site ids, run ids or timings. Visitor keys
 * are keyed with each site's own secret, so visitor records compare without them.
 */
export async function storedRows(
  t: TestWorker,
  names: string[],
): Promise<Record<string, Record<string, unknown[]>>> {
  const inSites = `s.name IN (${names.map(sqlString).join(", ")})`;
  const tables: Record<string, string> = {
    months: `SELECT s.name AS site, month, hits, pages, bytes, visits, visitors, robot_hits, rejected, lines FROM months x JOIN sites s ON s.id = x.site_id WHERE ${inSites} ORDER BY month`,
    days: `SELECT s.name AS site, date, hits, pages, bytes, visits, visitors, robot_hits FROM days x JOIN sites s ON s.id = x.site_id WHERE ${inSites} ORDER BY date`,
    hours: `SELECT s.name AS site, month, hour, hits, pages, bytes, robot_hits, visitors, visits FROM hours x JOIN sites s ON s.id = x.site_id WHERE ${inSites} ORDER BY month, hour`,
    panels: `SELECT s.name AS site, x.period, x.panel, x.key, x.hits, x.pages, x.bytes, x.max FROM (
      SELECT h.site_id, h.period, h.panel, j.value ->> 0 AS key, j.value ->> 1 AS hits, j.value ->> 2 AS pages,
        j.value ->> 3 AS bytes, j.value ->> 4 AS max FROM panel_heads AS h, json_each(h.rows) AS j
      UNION ALL SELECT site_id, period, panel, key, hits, pages, bytes, max FROM panel_tails
      ) AS x JOIN sites s ON s.id = x.site_id WHERE ${inSites} ORDER BY x.period, x.panel, x.key`,
    visitorDays: `SELECT s.name AS site, x.date, v.value AS record FROM day_buckets x, json_each(x.visitor_days) AS a, json_each(a.value) AS v JOIN sites s ON s.id = x.site_id WHERE ${inSites} ORDER BY x.date, record`,
    visitorMonths: `SELECT s.name AS site, x.month, v.value AS days, count(*) AS n
      FROM month_buckets x, json_each(x.human_days) AS v JOIN sites s ON s.id = x.site_id
      WHERE ${inSites} GROUP BY s.name, x.month, v.value ORDER BY x.month, days`,
    watched: `SELECT s.name AS site, month, at, address, agent, method, url, status, bytes, referer FROM watched_hits x JOIN sites s ON s.id = x.site_id WHERE ${inSites} ORDER BY month, at, address, url`,
  };
  const { stdout } = await runWrangler(
    [
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      t.persistTo,
      "--json",
      "--command",
      Object.values(tables).join("; "),
    ],
    { cwd: root, echoStdout: false },
  );
  const results = JSON.parse(stdout) as {
    results: ({ site: string } & Record<string, unknown>)[];
  }[];
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const name of names) out[name] = {};
  Object.keys(tables).forEach((table, i) => {
    for (const name of names) out[name][table] = [];
    for (const { site, ...row } of results[i].results) out[site][table].push(row);
  });
  return out;
}

/** The site's stored figures equal those of the fixture uploaded once (summary and every table). */
export async function expectSameFiguresAsReference(t: TestWorker, name: string): Promise<void> {
  expect(await summary(t, name)).toEqual(await summary(t, "ref"));
  const rows = await storedRows(t, ["ref", name]);
  expect(rows.ref.panels.length).toBeGreaterThan(1000);
  for (const table of Object.keys(rows.ref))
    expect(rows[name][table], table).toEqual(rows.ref[table]);
}

/** Writes an agent config for a site of the test worker into `dir`; returns its path. */
export function writeAgentConfig(
  t: TestWorker,
  dir: string,
  name: string,
  extra: Record<string, unknown> = {},
): string {
  const path = join(dir, "agent.json");
  const config = {
    workerUrl: t.url,
    site: name,
    token: t.sites[name].agentToken,
    logs: [{ path: join(dir, "access.log") }],
    chunkBytes: 128 * 1024,
    stateFile: join(dir, "state", "agent.json"),
    lockFile: join(dir, "agent.lock"),
    retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 100 },
    ...extra,
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface AgentRun {
  code: number;
  out: string;
  err: string;
  deps: TestDeps;
}

/** Runs the agent in-process with test deps (real fs and network, captured output). */
export async function agent(
  configPath: string,
  overrides: Partial<Deps> = {},
  options: Partial<AgentOptions> = {},
): Promise<AgentRun> {
  const deps = testDeps(overrides);
  const code = await runAgent({ command: "run", configPath, ...options }, deps);
  return { code, out: deps.out.join(""), err: deps.err.join(""), deps };
}
