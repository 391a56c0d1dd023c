import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { addSite, startLocalWorker } from "../../scripts/local-worker";
import type { LocalWorker } from "../../scripts/local-worker";

const log = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "semicomplete-2015-05.combined.log"),
);

function chunks(n: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    const end = i === n ? log.length : log.indexOf(10, Math.floor((log.length * i) / n)) + 1;
    out.push([start, end]);
    start = end;
  }
  return out;
}

async function send(
  w: LocalWorker,
  site: { site: string; agentToken: string },
  [start, end]: [number, number],
  signal?: AbortSignal,
) {
  const body = gzipSync(log.subarray(start, end));
  const q = new URLSearchParams({
    site: site.site,
    source: "semicomplete",
    start: String(start),
    end: String(end),
  });
  return fetch(`${w.url}/api/v1/ingest?${q}`, {
    method: "POST",
    signal,
    headers: {
      authorization: `Bearer ${site.agentToken}`,
      "content-type": "application/gzip",
      "x-content-sha256": createHash("sha256").update(body).digest("hex"),
    },
    body,
  });
}

async function summary(w: LocalWorker, site: { site: string; readToken: string }) {
  const res = await fetch(`${w.url}/api/v1/sites/${site.site}/summary?month=2015-05`, {
    headers: { authorization: `Bearer ${site.readToken}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe("a kill of the local worker during an upload loses nothing and counts nothing twice", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigie-kill-"));
  let worker: LocalWorker | undefined;
  afterAll(async () => {
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("kills wrangler dev in the middle of chunk uploads, restarts it, resends everything", async () => {
    const clean = addSite("clean", dir);
    const killed = addSite("killed", dir);
    worker = await startLocalWorker({ persistTo: dir });
    const parts = chunks(6);
    for (const p of parts) expect((await send(worker, clean, p)).status).toBe(200);
    const want = await summary(worker, clean);

    // Send three chunks at once and kill the worker while they are in flight.
    expect((await send(worker, killed, parts[0])).status).toBe(200);
    const inFlight = parts.slice(1, 4).map((p) =>
      send(worker!, killed, p).then(
        (r) => r.status,
        () => "killed",
      ),
    );
    await new Promise((r) => setTimeout(r, 30));
    process.kill(-worker.child.pid!, "SIGKILL");
    const outcomes = await Promise.all(inFlight);
    expect(outcomes.some((o) => o === "killed")).toBe(true);

    // The agent's view: every chunk without a 2xx is sent again, in any order, with repeats.
    worker = await startLocalWorker({ persistTo: dir });
    for (const p of [...parts].reverse()) expect((await send(worker, killed, p)).status).toBe(200);
    for (const p of parts) {
      const res = await send(worker, killed, p);
      expect(await res.json()).toMatchObject({ status: "already-applied" });
    }
    expect(await summary(worker, killed)).toEqual(want);
  }, 120_000);
});
