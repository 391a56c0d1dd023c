import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentConfig } from "../../edge-agent/config";
import { backoffMs, NotTheWorker, request, WorkerUnavailable } from "../../edge-agent/http";
import { acquireLock } from "../../edge-agent/lock";
import { retryAfterMs } from "../../worker/net/retry-after";
import type { HttpFetch, HttpInit } from "../../edge-agent/node-http";
import { SimulatedCrash, testDeps } from "./deps";
import { removeTempDirs, tempDir } from "./temp";
import { TEST_CERT, TEST_KEY } from "./tls-cert";

const servers: Server[] = [];
afterAll(async () => {
  removeTempDirs();
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
});

/** A loopback server answering every request with this JSON; its port. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return (server.address() as AddressInfo).port;
}
const answerJson = (_: unknown, res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end("{}");
};

const config = {
  workerUrl: "http://w.test",
  timeoutMs: 5000,
  retry: { attempts: 4, initialDelayMs: 1000, maxDelayMs: 60_000 },
} as AgentConfig;
const req = { method: "POST" as const, path: "/api/v1/ingest?x", token: "t", what: "upload" };

/** A fetch answering from a list, recording calls. */
function scripted(...answers: (Response | Error)[]) {
  const calls: HttpInit[] = [];
  const fetch: HttpFetch = async (_, init) => {
    calls.push(init);
    const a = answers.shift();
    if (a === undefined) throw new Error("no more answers");
    if (a instanceof Error) throw a;
    return a;
  };
  return { fetch, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });
const netError = () => new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });

describe("requests to the worker", () => {
  it("retries 5xx and network errors with exponential backoff and jitter, then takes the answer", async () => {
    const s = scripted(
      json(500, { error: { code: "internal", message: "boom" } }),
      netError(),
      json(503, {}),
      json(200, { ok: 1 }),
    );
    const deps = testDeps({ fetch: s.fetch, random: () => 0.5 });
    const lines: string[] = [];
    const a = await request(deps, config, req, (l) => lines.push(l));
    expect(a).toMatchObject({ status: 200, json: { ok: 1 } });
    expect(s.calls).toHaveLength(4);
    expect(deps.sleeps).toEqual([750, 1500, 3000]);
    expect(lines[0]).toBe("upload: HTTP 500: boom; retry 1 of 3 in 0.8 s");
    expect(lines[1]).toContain("cannot reach http://w.test (ECONNREFUSED)");
    expect(s.calls[0].headers).toMatchObject({ authorization: "Bearer t" });
  });

  it("honours Retry-After on 429 (seconds or a date), never waiting less than the backoff", async () => {
    const s = scripted(
      json(429, {}, { "retry-after": "7" }),
      json(429, {}, { "retry-after": new Date(Date.now() + 20_000).toUTCString() }),
      json(200, {}),
    );
    const deps = testDeps({ fetch: s.fetch });
    await request(deps, config, req, () => {});
    expect(deps.sleeps[0]).toBe(7000);
    expect(deps.sleeps[1]).toBeGreaterThan(18_000);
    expect(retryAfterMs("garbage", 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });

  it("never retries a 4xx: it is the answer", async () => {
    const s = scripted(
      json(401, { error: { code: "unauthorized", message: "wrong agent token for this site" } }),
    );
    const deps = testDeps({ fetch: s.fetch });
    expect(await request(deps, config, req, () => {})).toMatchObject({
      status: 401,
      code: "unauthorized",
      message: "wrong agent token for this site",
    });
    expect(s.calls).toHaveLength(1);
  });

  it("gives up after the last attempt with what went wrong, or at once on a Retry-After beyond ten minutes", async () => {
    const deps = testDeps({
      fetch: scripted(netError(), netError(), netError(), netError()).fetch,
    });
    await expect(request(deps, config, req, () => {})).rejects.toThrow(
      new WorkerUnavailable(
        "upload: cannot reach http://w.test (ECONNREFUSED) (gave up after 4 attempts)",
      ),
    );
    const slow = testDeps({ fetch: scripted(json(503, {}, { "retry-after": "3600" })).fetch });
    await expect(request(slow, config, req, () => {})).rejects.toThrow(
      /retry in 3600 s, left to the next run/,
    );
  });

  it("anything fetch itself would not throw is not a network error: it propagates at once", async () => {
    const s = scripted(new SimulatedCrash("boom"));
    await expect(
      request(testDeps({ fetch: s.fetch }), config, req, () => {}),
    ).rejects.toBeInstanceOf(SimulatedCrash);
    expect(s.calls).toHaveLength(1);
  });

  it("TLS against a plain-HTTP port, or plain HTTP against a TLS port: one attempt, a message saying which (no retry can mend a wrong URL)", async () => {
    const plain = await listen(createHttpServer(answerJson));
    const secure = await listen(createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, answerJson));
    const ask = async (workerUrl: string) => {
      const deps = testDeps();
      const error = await request(deps, { ...config, workerUrl }, req, () => {}).catch((e) => e);
      return { error, sleeps: deps.sleeps };
    };
    const https = await ask(`https://127.0.0.1:${plain}`);
    expect(https.error).toBeInstanceOf(NotTheWorker);
    expect(https.error.message).toBe(
      `upload: https://127.0.0.1:${plain} is an https URL, but 127.0.0.1:${plain} does not speak TLS (it answered in plain HTTP?): use http://, or the server's TLS port`,
    );
    expect(https.sleeps).toEqual([]);
    const http = await ask(`http://127.0.0.1:${secure}`);
    expect(http.error).toBeInstanceOf(NotTheWorker);
    expect(http.error.message).toBe(
      `upload: http://127.0.0.1:${secure} is an http URL, but 127.0.0.1:${secure} speaks TLS: use https://`,
    );
    expect(http.sleeps).toEqual([]);
    // A certificate the box refuses (here: self-signed): not retried either, said plainly.
    const refused = await ask(`https://127.0.0.1:${secure}`);
    expect(refused.error).toBeInstanceOf(WorkerUnavailable);
    expect(refused.error.message).toMatch(
      /the TLS certificate of 127\.0\.0\.1:\d+ was refused \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    expect(refused.sleeps).toEqual([]);
    // The right URL works.
    expect(
      (
        await request(
          testDeps(),
          { ...config, workerUrl: `http://127.0.0.1:${plain}` },
          req,
          () => {},
        )
      ).status,
    ).toBe(200);
  });

  it("an answer that is not JSON (a web page, a redirect) is not the worker's API: said so with the page's title, not retried", async () => {
    const s = scripted(
      new Response("<html><head><title>Vigie — sign in</title></head><body><form>…", {
        status: 401,
        headers: { "content-type": "text/html; charset=utf-8" },
      }),
      new Response("", { status: 301, headers: { location: "https://w.test/" } }),
    );
    const deps = testDeps({ fetch: s.fetch });
    await expect(request(deps, config, req, () => {})).rejects.toThrow(
      new NotTheWorker(
        'upload: http://w.test does not answer as a Vigie worker (HTTP 401, text/html, "Vigie — sign in"; its API answers JSON). "workerUrl" must be the worker\'s own address, e.g. https://vigie.example.workers.dev, not a report page; nothing was sent.',
      ),
    );
    await expect(request(deps, config, req, () => {})).rejects.toThrow(
      /\(HTTP 301, text\/plain, redirecting to https:\/\/w\.test\/;/,
    );
    expect(s.calls).toHaveLength(2);
    expect(deps.sleeps).toEqual([]);
  });

  it("backoff is capped", () => {
    const policy = { attempts: 10, initialDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 1))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
    expect(backoffMs(3, policy, () => 0)).toBe(2000);
  });
});

describe("the lock file", () => {
  const dir = () => tempDir("lock");

  it("one holder at a time; released by its holder", async () => {
    const path = join(dir(), "sub", "agent.lock");
    const a = await acquireLock(testDeps({ pid: 111, isAlive: () => true }), path);
    expect(a.ok).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(111);
    const b = await acquireLock(testDeps({ pid: 222, isAlive: (p) => p === 111 }), path);
    expect(b).toMatchObject({ ok: false, holder: { pid: 111 } });
    if (a.ok) await a.release();
    expect(existsSync(path)).toBe(false);
  });

  it("a lock whose process is dead is stale: taken over", async () => {
    const path = join(dir(), "agent.lock");
    writeFileSync(path, JSON.stringify({ pid: 999_999, since: 1 }));
    const deps = testDeps({ pid: 333, isAlive: () => false });
    const r = await acquireLock(deps, path);
    expect(r.ok).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(333);
  });

  it("a lock taken before the last boot is stale, even if its pid now runs something else", async () => {
    const path = join(dir(), "agent.lock");
    const bootedAt = Date.now() - 600_000;
    writeFileSync(path, JSON.stringify({ pid: 1, since: bootedAt - 5000 }));
    const deps = testDeps({
      pid: 555,
      isAlive: () => true,
      host: () => ({ uptime: 600, load: 0 }),
    });
    expect((await acquireLock(deps, path)).ok).toBe(true);
    writeFileSync(path, JSON.stringify({ pid: 1, since: bootedAt + 5000 }));
    expect(await acquireLock(deps, path)).toMatchObject({ ok: false, holder: { pid: 1 } });
  });

  it("a lock whose pid now names another process (a recycled pid, started at another time) is stale: taken over at once", async () => {
    const path = join(dir(), "agent.lock");
    const deps = testDeps({ pid: 666 });
    const alive = process.pid; // a live process: this test's own
    const start = deps.processStart(alive)!;
    expect(start).toMatch(/^[0-9a-f-]{36}:\d+$/);
    writeFileSync(path, JSON.stringify({ pid: alive, since: Date.now() - 1000, start }));
    expect(await acquireLock(deps, path)).toMatchObject({ ok: false, holder: { pid: alive } });
    const other = `${start.split(":")[0]}:1`;
    writeFileSync(path, JSON.stringify({ pid: alive, since: Date.now() - 1000, start: other }));
    expect((await acquireLock(deps, path)).ok).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      pid: 666,
      since: expect.any(Number),
      start: deps.processStart(666) ?? undefined,
    });
  });

  it("a process's start is read from /proc even when its name holds spaces and parentheses", async () => {
    const d = dir();
    const odd = join(d, "a) b (c");
    copyFileSync("/bin/sleep", odd);
    const deps = testDeps();
    const child = spawn(odd, ["30"], { stdio: "ignore" });
    try {
      await new Promise((ok) => child.once("spawn", ok));
      const first = deps.processStart(child.pid!);
      expect(first).toMatch(/^[0-9a-f-]{36}:\d+$/);
      expect(deps.processStart(child.pid!)).toBe(first);
      expect(first!.split(":")[0]).toBe(deps.processStart(process.pid)!.split(":")[0]);
      expect(Number(first!.split(":")[1])).toBeGreaterThanOrEqual(
        Number(deps.processStart(process.pid)!.split(":")[1]),
      );
    } finally {
      child.kill("SIGKILL");
    }
    expect(deps.processStart(2 ** 22 + 1)).toBeNull();
  });

  it("an unreadable lock is respected for a minute, then taken over", async () => {
    const path = join(dir(), "agent.lock");
    writeFileSync(path, "");
    const deps = testDeps({ pid: 444, isAlive: () => false });
    expect(await acquireLock(deps, path)).toEqual({ ok: false, holder: null });
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(path, old, old);
    expect((await acquireLock(deps, path)).ok).toBe(true);
  });
});
