// The agent against a real local worker when things go wrong: the worker failing (500s, 503, 429),
// a wrong token, an unreachable worker, an unreadable file, and a real agent process SIGKILLed
// mid-upload. Each ends with a clear exit code and message, then the site's stored figures equal
// to those of the fixture uploaded once: nothing lost, nothing counted twice.
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgent } from "../../edge-agent/build";
import { EXIT } from "../../edge-agent/exit-codes";
import { freePort, root } from "../../scripts/local-worker";
import { runWrangler } from "../../scripts/site-lib";
import { runAgent } from "../../edge-agent/agent";
import { nodeDeps } from "../../edge-agent/deps";
import { rng } from "../random";
import { testDeps } from "./deps";
import { existsSync, writeFileSync } from "node:fs";
import { OLD_NODE_VERSION, oldNode } from "./old-node";
import { startFaultProxy, type FaultProxy } from "./fault-proxy";
import { formatBytes } from "../../edge-agent/context";
import { removeTempDirs, tempDir } from "./temp";
import {
  agent,
  expectSameFiguresAsReference,
  startTestWorker,
  summary,
  writeAgentConfig,
  type TestWorker,
} from "./harness";
import { LINES, append } from "./logs";

let t: TestWorker;
let bundle: string;
const proxies: FaultProxy[] = [];
beforeAll(async () => {
  bundle = join(tempDir("bundle"), "vigie-agent.mjs");
  const nodes = [
    { site: "killed", node: "home", role: "master" as const },
    { site: "killed", node: "backup", role: "standby" as const },
    { site: "beat", node: "cubox", role: "master" as const },
  ];
  [t] = await Promise.all([
    startTestWorker(
      [
        "flaky",
        "token",
        "unreachable",
        "unreadable",
        "killed",
        "outage",
        "long",
        "beat",
        "oldnode",
        "cpu",
        "cpuwall",
      ],
      nodes,
    ),
    buildAgent(bundle),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await t?.stop();
  removeTempDirs();
});

const sources = (dir: string) =>
  Object.values(
    (
      JSON.parse(readFileSync(join(dir, "state", "agent.json"), "utf8")) as {
        sources: Record<string, { offset: number }>;
      }
    ).sources,
  );
const shipped = (dir: string) => sources(dir).reduce((n, s) => n + s.offset, 0);
const json = (v: unknown) => JSON.stringify(v);
type Figures = { hits: number; bytes: number; rejected: number };

describe("when things go wrong, the agent says so, exits non-zero, and loses nothing", () => {
  it("the worker failing: retried with backoff (Retry-After honoured); failing on, exit 8 and the next run resumes", async () => {
    let failAll = true;
    const proxy = await startFaultProxy(t.url, (r) => {
      if (failAll) return { kind: "fail", status: 500 };
      if (r.n === 4 || r.n === 5 || r.n % 7 === 0)
        return { kind: "fail", status: r.n % 2 ? 503 : 500 };
      if (r.n === 6) return { kind: "fail", status: 429, headers: { "retry-after": "2" } };
      return { kind: "pass" };
    });
    proxies.push(proxy);
    const dir = tempDir("flaky");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "flaky", {
      workerUrl: proxy.url,
      retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 1000 },
    });

    append(live, 0, 5000);
    const down = await agent(config);
    expect(down.code).toBe(EXIT.unavailable);
    expect(down.err).toMatch(
      /opening an upload run: HTTP 500: injected 500 \(gave up after 4 attempts\); nothing was lost, the next run resumes/,
    );
    expect(down.deps.sleeps).toHaveLength(3);
    expect(shipped(dir)).toBe(0);

    failAll = false;
    append(live, 5000, LINES);
    const r = await agent(config);
    expect(r.err).toBe("");
    expect(r.code).toBe(EXIT.ok);
    expect(r.deps.sleeps).toContain(2000);
    expect(r.deps.sleeps.length).toBeGreaterThanOrEqual(4);
    await expectSameFiguresAsReference(t, "flaky");
  });

  it("an outage once the run is open: the upload gives up after its retries, and closing the run spends no second retry budget (issue 18)", async () => {
    const proxy = await startFaultProxy(t.url, (r) =>
      r.url.startsWith("/api/v1/ingest") ? { kind: "fail", status: 503 } : { kind: "pass" },
    );
    proxies.push(proxy);
    const dir = tempDir("outage");
    const config = writeAgentConfig(t, dir, "outage", {
      workerUrl: proxy.url,
      retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 1000 },
    });
    append(join(dir, "access.log"), 0, 1000);
    const r = await agent(config);
    expect(r.code).toBe(EXIT.unavailable);
    expect(r.err).toMatch(
      /^vigie-agent: upload of bytes \[0, \d+\) of .*: HTTP 503: injected 503 \(gave up after 4 attempts\); nothing was lost, the next run resumes\n$/,
    );
    expect(r.deps.sleeps).toHaveLength(3);
    expect(proxy.seen.map((q) => q.url.replace(/\?.*/, ""))).toEqual([
      "/api/v1/runs",
      "/api/v1/chunks",
      ...Array(4).fill("/api/v1/ingest"),
    ]);
  });

  // Cloudflare's answer when it stops a worker at its CPU limit (its documented error 1102: a 503
  // with its own page; "error code: 1102" is the page a client that takes no HTML gets).
  const error1102 = {
    status: 503,
    contentType: "text/plain; charset=UTF-8",
    body: "error code: 1102",
  };
  const rangeOf = (url: string) => {
    const q = new URL(url, "http://x").searchParams;
    return Number(q.get("end")) - Number(q.get("start"));
  };

  it("Cloudflare stopping the worker at its CPU limit (error 1102): the agent halves its chunks, and keeps them small on later runs; nothing lost or counted twice", async () => {
    const LIMIT = 70_000; // the test worker takes chunks of up to 128 KiB
    let committedThenStopped = 0;
    let paid = false;
    const proxy = await startFaultProxy(t.url, (r) => {
      if (!r.url.startsWith("/api/v1/ingest") || paid) return { kind: "pass" };
      if (rangeOf(r.url) > LIMIT) return { kind: "fail", ...error1102 };
      // The first chunk small enough is stopped after its D1 batch committed.
      if (committedThenStopped++ === 0) return { kind: "replace", ...error1102 };
      return { kind: "pass" };
    });
    proxies.push(proxy);
    const dir = tempDir("cpu");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "cpu", { workerUrl: proxy.url });
    append(live, 0, 6000);
    const r = await agent(config);
    expect(r.code).toBe(EXIT.ok);
    const notes = r.err.trimEnd().split("\n");
    expect(notes).toHaveLength(2);
    for (const n of notes)
      expect(n).toMatch(
        /^vigie-agent: note: upload of bytes \[\d+, \d+\) of .*: Cloudflare stopped the worker at its CPU limit \(error 1102\); sending chunks of at most [\d.]+ [KM]i?B from now on$/,
      );
    const sent = proxy.seen
      .filter((q) => q.url.startsWith("/api/v1/ingest"))
      .map((q) => rangeOf(q.url));
    // A chunk over the limit, then one of half its size: applied, and yet stopped.
    expect(sent[0]).toBeGreaterThan(LIMIT);
    expect(sent[1]).toBeLessThanOrEqual(sent[0] / 2 + 1);
    expect(sent[1]).toBeLessThanOrEqual(LIMIT);
    const state = JSON.parse(readFileSync(join(dir, "state", "agent.json"), "utf8")) as {
      chunkCap: { bytes: number; workerLimit: number };
    };
    expect(state.chunkCap.bytes).toBeLessThanOrEqual(LIMIT / 2);
    expect(state.chunkCap.bytes).toBeGreaterThan(LIMIT / 4);
    expect(state.chunkCap.workerLimit).toBeGreaterThan(LIMIT);
    const shown = await agent(config, {}, { command: "status" });
    expect(shown.out).toContain(
      `chunks of at most ${formatBytes(state.chunkCap.bytes)}: Cloudflare stopped the worker at its CPU limit on larger ones`,
    );

    // A later run starts at the size that went through: no chunk is stopped, none is larger.
    const stateFile = join(dir, "state", "agent.json");
    const ingests = (from: number) =>
      proxy.seen.slice(from).filter((q) => q.url.startsWith("/api/v1/ingest"));
    let before = proxy.seen.length;
    append(live, 6000, 8000);
    const again = await agent(config);
    expect(again.err).toBe("");
    expect(again.code).toBe(EXIT.ok);
    expect(ingests(before).length).toBeGreaterThan(5);
    for (const q of ingests(before))
      expect(rangeOf(q.url)).toBeLessThanOrEqual(state.chunkCap.bytes);

    // A cap learned under another limit of the worker's (before a deploy to Paid) is dropped.
    writeFileSync(
      stateFile,
      JSON.stringify({
        ...JSON.parse(readFileSync(stateFile, "utf8")),
        chunkCap: { ...state.chunkCap, workerLimit: 1 },
      }),
    );
    paid = true;
    before = proxy.seen.length;
    append(live, 8000, LINES);
    const third = await agent(config);
    expect(third.code).toBe(EXIT.ok);
    expect(Math.max(...ingests(before).map((q) => rangeOf(q.url)))).toBeGreaterThan(LIMIT);
    expect(JSON.parse(readFileSync(stateFile, "utf8")).chunkCap).toBeUndefined();
    await expectSameFiguresAsReference(t, "cpu");
  });

  it("stopped at the CPU limit even on small chunks: the file stops saying why (the plan's limit), nothing shipped or lost", async () => {
    const proxy = await startFaultProxy(t.url, (r) =>
      r.url.startsWith("/api/v1/ingest") ? { kind: "fail", ...error1102 } : { kind: "pass" },
    );
    proxies.push(proxy);
    const dir = tempDir("cpuwall");
    const config = writeAgentConfig(t, dir, "cpuwall", { workerUrl: proxy.url });
    append(join(dir, "access.log"), 0, 2000);
    const r = await agent(config);
    expect(r.code).toBe(EXIT.refused);
    expect(r.err).toMatch(
      /Cloudflare stopped the worker at its CPU limit \(error 1102\), even on a chunk of [\d.]+ KiB\. The Workers Free plan allows 10 ms of CPU a request; the Paid plan lifts it .*Nothing was lost: the next run resumes at byte 0\./,
    );
    const sent = proxy.seen
      .filter((q) => q.url.startsWith("/api/v1/ingest"))
      .map((q) => rangeOf(q.url));
    expect(Math.min(...sent)).toBeGreaterThanOrEqual(16 * 1024);
    expect(Math.min(...sent)).toBeLessThan(32 * 1024);
    expect(shipped(dir)).toBe(0);
  });

  it("workerUrl pointed at a report page (an HTML login form answers 401): exit 4 saying the URL is wrong, not the token; no HTML dump, no retry", async () => {
    const dir = tempDir("wrong-url");
    const reportUrl = `${t.url}/sites/token`;
    const config = writeAgentConfig(t, dir, "token", { workerUrl: reportUrl });
    append(join(dir, "access.log"), 0, 100);
    const r = await agent(config);
    expect(r.code).toBe(EXIT.auth);
    expect(r.err).toMatch(
      new RegExp(
        `^vigie-agent: opening an upload run: ${reportUrl} does not answer as a Vigie worker \\(HTTP 401, text/html, "[^"<]+"; its API answers JSON\\)\\. "workerUrl" must be the worker's own address, e\\.g\\. https://vigie\\.example\\.workers\\.dev, not a report page; nothing was sent\\.\n$`,
      ),
    );
    expect(r.err).not.toMatch(/agent token|</);
    expect(r.deps.sleeps).toEqual([]);
  });

  it("over-long lines (issue 18): one longer than chunkBytes goes alone and is counted; one longer than the worker's limit goes as stand-ins the worker counts as rejected; the file goes on", async () => {
    const dir = tempDir("long");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "long", { chunkBytes: 64 * 1024 });
    // One request with an 8 KB-or-more path, referer and user agent (90 KB in all)…
    const request = `81.2.69.142 - - [17/May/2015:10:05:03 +0000] "GET /${"p".repeat(30_000)} HTTP/1.1" 200 512 "http://ref.example/${"r".repeat(30_000)}" "Mozilla/5.0 ${"u".repeat(30_000)}"\n`;
    // …and one line longer than the worker takes in one chunk (10 MiB): a corrupt stretch.
    const monster = `${"\u0000".repeat(11 * 1024 * 1024)}\n`;
    append(live, 0, 3000);
    appendFileSync(live, request);
    append(live, 3000, 6000);
    const at = statSync(live).size;
    appendFileSync(live, monster);
    append(live, 6000, LINES);
    const r = await agent(config);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).toBe(
      `vigie-agent: note: ${live}: a line of ${monster.length} bytes at byte ${at} is longer than the worker takes in one chunk (10481857 bytes): sent as 2 stand-in line(s) the worker counts as rejected\n`,
    );
    expect(shipped(dir)).toBe(statSync(live).size);
    const [ref, long] = [
      (await summary(t, "ref")) as Figures,
      (await summary(t, "long")) as Figures,
    ];
    expect([long.hits, long.bytes]).toEqual([ref.hits + 1, ref.bytes + 512]);
    // The stand-ins are counted by the upload run (no date goes with them, so no month's figure).
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
        "SELECT sum(r.rejected) AS rejected FROM runs r JOIN sites s ON s.id = r.site_id WHERE s.name = 'long'; SELECT text FROM rejected_samples x JOIN runs r ON r.id = x.run_id JOIN sites s ON s.id = r.site_id WHERE s.name = 'long'",
      ],
      { cwd: root, echoStdout: false },
    );
    const [runs, samples] = JSON.parse(stdout) as { results: Record<string, unknown>[] }[];
    expect(runs.results[0].rejected).toBe(ref.rejected + 2);
    expect(samples.results.map((x) => String(x.text).trimEnd())).toEqual([
      `vigie-agent: bytes ${at}-${at + 10_481_857} of this log are part of a line longer than the worker takes in one chunk; not sent`,
      `vigie-agent: bytes ${at + 10_481_857}-${at + monster.length} of this log are part of a line longer than the worker takes in one chunk; not sent`,
    ]);
    const again = await agent(config);
    expect([again.code, again.err]).toEqual([EXIT.ok, ""]);
  });

  it("a wrong token: a clear message, exit 4, no retry, nothing lost; the right one from VIGIE_TOKEN ships everything", async () => {
    const dir = tempDir("token");
    const config = writeAgentConfig(t, dir, "token", { token: "vga_not-the-right-one" });
    append(join(dir, "access.log"), 0, LINES);
    const r = await agent(config);
    expect(r.code).toBe(EXIT.auth);
    expect(r.err).toBe(
      'vigie-agent: opening an upload run: the worker refused the agent token for site "token" (401 unauthorized: wrong agent token for this site). Check "token" in the config file or VIGIE_TOKEN; nothing was lost, the next run resumes.\n',
    );
    expect(r.deps.sleeps).toEqual([]);
    expect(shipped(dir)).toBe(0);

    const ok = await agent(config, { env: { VIGIE_TOKEN: t.sites.token.agentToken } });
    expect(ok.err).toBe("");
    expect(ok.code).toBe(EXIT.ok);
    await expectSameFiguresAsReference(t, "token");
  });

  it("an unreachable worker: retried, then exit 8 saying why; nothing lost", async () => {
    const dir = tempDir("unreachable");
    const closed = `http://127.0.0.1:${await freePort()}`;
    const config = writeAgentConfig(t, dir, "unreachable", { workerUrl: closed });
    append(join(dir, "access.log"), 0, LINES);
    const r = await agent(config);
    expect(r.code).toBe(EXIT.unavailable);
    expect(r.err).toContain(
      `opening an upload run: cannot reach ${closed} (ECONNREFUSED) (gave up after 3 attempts); nothing was lost`,
    );
    expect(r.deps.sleeps).toHaveLength(2);

    writeAgentConfig(t, dir, "unreachable");
    expect((await agent(config)).code).toBe(EXIT.ok);
    await expectSameFiguresAsReference(t, "unreachable");
  });

  it("an unreadable file: exit 6 naming it, the other file shipped; once readable, everything", async () => {
    const dir = tempDir("unreadable");
    const [a, b] = [join(dir, "a.log"), join(dir, "b.log")];
    append(a, 0, 5000);
    append(b, 5000, LINES);
    const config = writeAgentConfig(t, dir, "unreadable", {
      logs: [{ path: a }, { path: b }, { path: join(dir, "typo.log") }],
    });
    const fs = nodeDeps().fs;
    const denied = {
      ...fs,
      open: (p: string, flags: string, mode?: number) =>
        p === b
          ? Promise.reject(
              Object.assign(new Error(`EACCES: permission denied, open '${p}'`), {
                code: "EACCES",
                syscall: "open",
              }),
            )
          : fs.open(p, flags, mode),
    };
    const r = await agent(config, { fs: denied });
    expect(r.code).toBe(EXIT.unreadable);
    expect(r.err).toBe(
      `vigie-agent: cannot read ${b}: permission denied (is the agent's user in the log's group, e.g. adm?)\nvigie-agent: cannot read ${join(dir, "typo.log")}: no such file\n`,
    );
    expect(shipped(dir)).toBe(readFileSync(a).length);

    writeAgentConfig(t, dir, "unreadable", { logs: [{ path: a }, { path: b }] });
    expect((await agent(config)).code).toBe(EXIT.ok);
    await expectSameFiguresAsReference(t, "unreadable");
  });

  it("the bundled agent, SIGKILLed while the worker's answer is on its way and at a random moment: the next run resumes", async () => {
    const rand = rng(11);
    const killAt = 2 + Math.floor(rand() * 3);
    let hold = true;
    const proxy = await startFaultProxy(t.url, (r) =>
      hold && r.url.startsWith("/api/v1/ingest") ? { kind: "hold", ms: 300 } : { kind: "pass" },
    );
    proxies.push(proxy);
    const dir = tempDir("killed");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "killed", {
      workerUrl: proxy.url,
      chunkBytes: 64 * 1024,
    });
    const start = (killAfterMs?: number) => {
      const child = spawn(process.execPath, [bundle, "run", "--config", config], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH },
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      if (killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      return {
        child,
        done: new Promise<{ code: number | null; signal: string | null; output: string }>((ok) =>
          child.on("exit", (code, signal) => ok({ code, signal, output })),
        ),
      };
    };

    // 1. Killed once the worker has applied its upload number killAt, before the answer arrives.
    append(live, 0, 6000);
    let ingests = 0;
    const first = start();
    proxy.onForwarded = (r, status) => {
      if (r.url.startsWith("/api/v1/ingest") && status === 200 && ++ingests === killAt)
        first.child.kill("SIGKILL");
    };
    expect(await first.done).toMatchObject({ signal: "SIGKILL" });
    proxy.onForwarded = undefined;
    const afterKill = sources(dir);
    expect(
      afterKill.some((s) => "inflight" in s),
      json(afterKill),
    ).toBe(true);

    // 2. The file grows; killed again at a random moment.
    append(live, 6000, 8000);
    const second = await start(150 + Math.floor(rand() * 600)).done;
    expect(second.signal === "SIGKILL" || second.code === 0, second.output).toBe(true);

    // 3. The rest, then a run to the end: the dead process's lock is stale and taken over.
    append(live, 8000, LINES);
    hold = false;
    expect(await start().done).toEqual({ code: 0, signal: null, output: "" });
    await expectSameFiguresAsReference(t, "killed");
  });

  it("heartbeats to the real worker's route (issue 6), through an edge that sets CF-Connecting-IP: the standby's hook gets the master's address", async () => {
    const addresses: Record<string, string> = {
      [`Bearer ${t.nodes.home}`]: "81.2.69.160",
      [`Bearer ${t.nodes.backup}`]: "81.2.69.161",
    };
    let backupAddress = addresses[`Bearer ${t.nodes.backup}`];
    const edge = await startFaultProxy(t.url, (r) => ({
      kind: "pass",
      headers: {
        "cf-connecting-ip":
          r.authorization === `Bearer ${t.nodes.backup}`
            ? backupAddress
            : (addresses[r.authorization] ?? "127.0.0.1"),
      },
    }));
    proxies.push(edge);
    const dir = tempDir("heartbeat");
    const hookOut = join(dir, "hook.out");
    const config = (node: string, role: string) =>
      writeAgentConfig(t, join(dir), "killed", {
        workerUrl: edge.url,
        logs: [],
        node: { name: node, role, token: t.nodes[node] },
        stateFile: join(dir, `${node}.json`),
        hooks: { onMasterAddressChange: `echo "$VIGIE_MASTER_ADDRESS $VIGIE_ROLE" > ${hookOut}` },
      });
    const beat = async (node: string, role: string) => {
      const deps = testDeps();
      const code = await runAgent({ command: "heartbeat", configPath: config(node, role) }, deps);
      return { code, err: deps.err.join("") };
    };
    expect(await beat("home", "master")).toEqual({ code: EXIT.ok, err: "" });
    expect(await beat("backup", "standby")).toEqual({ code: EXIT.ok, err: "" });
    expect(readFileSync(hookOut, "utf8")).toBe("81.2.69.160 standby\n");

    backupAddress = "10.1.2.3";
    const refused = await beat("backup", "standby");
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.err).toMatch(
      /heartbeat of node backup: the worker refused this node's address \(422 unprocessable: .*10\.1\.2\.3/,
    );
  });
});

describe("one cron line (issue 20): `run` heartbeats, then ships", () => {
  const node = () => ({ name: "cubox", role: "master", token: t.nodes.cubox });

  it("the heartbeat first, then the chunks, with a heartbeat between them once a minute; a run waiting on another's long backlog still beats, silently", async () => {
    const edge = await startFaultProxy(t.url, () => ({
      kind: "pass",
      headers: { "cf-connecting-ip": "81.2.69.170" },
    }));
    proxies.push(edge);
    const dir = tempDir("beat");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "beat", {
      workerUrl: edge.url,
      chunkBytes: 64 * 1024,
      node: node(),
    });
    append(live, 0, 3000);
    let clock = Date.now();
    const r = await agent(config, { now: () => (clock += 5000) });
    expect([r.code, r.err]).toEqual([EXIT.ok, ""]);
    const paths = edge.seen.map((q) => q.url.replace(/\?.*/, ""));
    expect(paths[0]).toBe("/api/v1/heartbeat");
    const firstIngest = paths.indexOf("/api/v1/ingest");
    const between = paths.slice(firstIngest).indexOf("/api/v1/heartbeat");
    expect(between, paths.join(" ")).toBeGreaterThan(0);
    expect(paths.lastIndexOf("/api/v1/ingest")).toBeGreaterThan(firstIngest + between);

    // Another run holds the log lock (a long backlog): this one beats, then exits 9 silently.
    const lock = join(dir, "agent.lock");
    const holder = {
      pid: process.pid,
      since: Date.now(),
      start: nodeDeps().processStart(process.pid),
    };
    writeFileSync(lock, JSON.stringify(holder));
    const seen = edge.seen.length;
    const waiting = await agent(config);
    expect([waiting.code, waiting.err]).toEqual([EXIT.busy, ""]);
    expect(edge.seen.slice(seen).map((q) => q.url)).toEqual(["/api/v1/heartbeat"]);
  });

  it("on a terminal, progress without -v (on stderr) and a summary; under cron (not a terminal) nothing", async () => {
    const dir = tempDir("tty");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "beat", { chunkBytes: 64 * 1024 });
    append(live, 3000, 6000);
    let clock = Date.now();
    const r = await agent(config, { stderrIsTTY: true, now: () => (clock += 700) });
    expect([r.code, r.out]).toEqual([EXIT.ok, ""]);
    const lines = r.err.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(0, -1))
      expect(line).toMatch(
        /^ {2}\/.*\/access\.log: [\d.]+ KiB of [\d.]+ KiB \(\d+%\), [\d.]+ KiB\/s$/,
      );
    expect(lines.at(-1)).toMatch(
      /^shipped [\d.]+ KiB in \d+ chunks in [\d.]+ s \(.*\/s\): 3000 lines, 0 rejected$/,
    );
    append(live, 6000, 6100);
    const cron = await agent(config);
    expect([cron.code, cron.out, cron.err]).toEqual([EXIT.ok, "", ""]);
  });

  it("VIGIE_CLIENT_IP: heartbeats against the local worker itself, when it takes X-Vigie-Client-IP (its DEV_CLIENT_IP_HEADER var)", async (ctx) => {
    const probe = await fetch(`${t.url}/api/v1/heartbeat`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.nodes.cubox}`, "x-vigie-client-ip": "81.2.69.171" },
    });
    if (probe.status !== 200)
      ctx.skip(
        `skipped: this worker does not take X-Vigie-Client-IP under DEV_CLIENT_IP_HEADER=1 yet (the probe heartbeat got ${probe.status}; the worker side is another change)`,
      );
    const dir = tempDir("client-ip");
    const config = writeAgentConfig(t, dir, "beat", { logs: [], node: node() });
    const r = await agent(config, { env: { VIGIE_CLIENT_IP: "81.2.69.172" } });
    expect([r.code, r.err]).toEqual([EXIT.ok, ""]);
    const res = await fetch(`${t.url}/api/v1/sites/beat/watchdog`, {
      headers: { authorization: `Bearer ${t.sites.beat.readToken}` },
    });
    const watchdog = (await res.json()) as { nodes: { node: string; address: string }[] };
    expect(watchdog.nodes.find((n) => n.node === "cubox")?.address).toBe("81.2.69.172");
  });
});

describe("the oldest Node the agent claims", () => {
  /** Runs the bundle under `node`, without blocking this process (the proxies live in it). */
  const runBundle = (node: string, args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((ok) => {
      const child = spawn(node, [bundle, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH },
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (code) => ok({ code, out, err }));
    });

  it(`the bundle under Node ${OLD_NODE_VERSION}: the heartbeat and the whole fixture shipped to a real worker`, async (ctx) => {
    const node = oldNode();
    if (!existsSync(node))
      ctx.skip(
        `skipped: no Node ${OLD_NODE_VERSION} at ${node}; \`npx tsx test/agent/old-node.ts\` fetches it from the npm registry`,
      );
    expect((await runBundle(node, ["--version"])).out).toBe(
      `${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`,
    );
    const edge = await startFaultProxy(t.url, () => ({
      kind: "pass",
      headers: { "cf-connecting-ip": "81.2.69.173" },
    }));
    proxies.push(edge);
    const dir = tempDir("oldnode");
    const config = writeAgentConfig(t, dir, "oldnode", {
      workerUrl: edge.url,
      chunkBytes: 256 * 1024,
      node: { name: "cubox", role: "master", token: t.nodes.cubox },
    });
    append(join(dir, "access.log"), 0, LINES);
    expect(await runBundle(node, ["run", "-c", config])).toEqual({ code: 0, out: "", err: "" });
    expect(edge.seen[0].url).toBe("/api/v1/heartbeat");
    await expectSameFiguresAsReference(t, "oldnode");
  });
});
