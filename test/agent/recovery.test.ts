// The agent's state file lost, or restored from an old backup, against a real local worker: the
// agent asks the worker which chunks of the file it holds (GET /api/v1/chunks), checks each one
// against the file's own bytes, and resumes after them. Nothing lost, nothing counted twice; a
// file whose bytes differ from what the worker holds is still refused.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../edge-agent/exit-codes";
import { removeTempDirs, tempDir } from "./temp";
import {
  agent,
  expectSameFiguresAsReference,
  LOG,
  startTestWorker,
  summary,
  writeAgentConfig,
  type TestWorker,
} from "./harness";
import { startFaultProxy, type FaultProxy } from "./fault-proxy";
import { append, compress, LINES, LINE_STARTS, lines, rename, uniqueLine } from "./logs";

let t: TestWorker;
beforeAll(async () => {
  t = await startTestWorker(["lost", "old", "changed", "looping", "rotated"]);
}, 90_000);
const proxies: FaultProxy[] = [];
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await t?.stop();
  removeTempDirs();
});

describe("a state that does not match the worker", () => {
  it("lost: the next run skips the chunks the worker holds (checked byte for byte) and ships the rest", async () => {
    const dir = tempDir("lost");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "lost");
    append(live, 0, 6000);
    expect((await agent(config)).code).toBe(EXIT.ok);
    rmSync(join(dir, "state"), { recursive: true });
    append(live, 6000, LINES);
    const run = await agent(config, {}, { verbose: true });
    expect(run.err).toBe("");
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain(
      `the worker already holds bytes [0, ${LINE_STARTS[6000]}) of it, the same as the file's: resuming after them`,
    );
    await expectSameFiguresAsReference(t, "lost");
  });

  it("lost after a rotation: the rotated file's unshipped tail is shipped (the worker's listing says it is no history); a file the worker never saw stays history (issue 18)", async () => {
    for (const i of [0, 5000]) expect(uniqueLine(i)).toBe(true);
    const dir = tempDir("rotated");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "rotated");
    // History from before the agent: April's lines, which the figures must never show.
    const april = join(dir, "access.log.3");
    writeFileSync(
      april,
      lines(0, 50).toString("latin1").replaceAll("/May/2015", "/Apr/2015"),
      "latin1",
    );
    compress(april);
    append(live, 0, 4000);
    expect((await agent(config)).code).toBe(EXIT.ok);
    append(live, 4000, 5000);
    rename(live, `${live}.1`);
    compress(`${live}.1`);
    append(live, 5000, LINES);
    rmSync(join(dir, "state"), { recursive: true });
    const run = await agent(config, {}, { verbose: true });
    expect(run.err).toBe("");
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain(
      `${live}.1.gz: older than this state file, but the worker holds part of it (the state was lost?): finishing it`,
    );
    expect(run.out).toContain(
      `${live}.1.gz: the worker already holds bytes [0, ${LINE_STARTS[4000]}) of it, the same as the file's: resuming after them`,
    );
    expect(run.out).toContain(`${april}.gz: left alone, rotated before the agent's first run`);
    await expectSameFiguresAsReference(t, "rotated");
    // The history file is recorded as such: later runs do not ask the worker about it again.
    const state = JSON.parse(readFileSync(join(dir, "state", "agent.json"), "utf8"));
    expect(
      Object.values(state.sources).filter((s) => (s as { history?: true }).history),
    ).toHaveLength(1);
    const again = await agent(config, {}, { verbose: true });
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toContain(`${april}.gz: left alone, rotated before the agent's first run`);
    expect(again.out).not.toContain("older than this state file");
  });

  it("restored from an old backup: refused as overlapping (409), then resumed after what the worker holds", async () => {
    const dir = tempDir("old");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "old");
    const state = join(dir, "state", "agent.json");
    append(live, 0, 3000);
    expect((await agent(config)).code).toBe(EXIT.ok);
    copyFileSync(state, join(dir, "backup.json"));
    append(live, 3000, 7000);
    expect((await agent(config)).code).toBe(EXIT.ok);
    copyFileSync(join(dir, "backup.json"), state);
    append(live, 7000, LINES);
    const run = await agent(config, {}, { verbose: true });
    expect(run.err).toBe("");
    expect(run.code).toBe(EXIT.ok);
    // The chunks re-cut as before are answered already-applied; the one that now runs past the old
    // end of the file overlaps the worker's last chunk: 409, then skipped after checking it.
    expect(run.out).toMatch(
      new RegExp(
        `the worker already holds bytes \\[\\d+, ${LINE_STARTS[7000]}\\) of it, the same as the file's`,
      ),
    );
    await expectSameFiguresAsReference(t, "old");
  });

  it("a file changed in place under the same first line: nothing skipped, the chunk refused, nothing written", async () => {
    const dir = tempDir("changed");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "changed");
    append(live, 0, 2000);
    expect((await agent(config)).code).toBe(EXIT.ok);
    const before = await summary(t, "changed");
    rmSync(join(dir, "state"), { recursive: true });
    // Same first line (same source id), other bytes after it: line 2 replaced by line 3.
    writeFileSync(
      live,
      Buffer.concat([
        LOG.subarray(0, LINE_STARTS[1]),
        LOG.subarray(LINE_STARTS[2], LINE_STARTS[2000]),
      ]),
    );
    const run = await agent(config);
    expect(run.code).toBe(EXIT.refused);
    expect(run.err).toMatch(
      /the worker already holds other bytes of this source overlapping that range .*409.*This file is stopped/s,
    );
    expect(await summary(t, "changed")).toEqual(before);
  });

  it("a worker whose chunk listing never moves on (the same page, more: true) is asked twice, not forever", async () => {
    const stuck = JSON.stringify({
      source: "x",
      chunks: [{ start: 0, end: 10, sha256: "0".repeat(64) }],
      more: true,
    });
    const proxy = await startFaultProxy(t.url, (r) =>
      r.url.startsWith("/api/v1/chunks")
        ? { kind: "fail", status: 200, body: stuck }
        : { kind: "pass" },
    );
    proxies.push(proxy);
    const dir = tempDir("looping");
    const config = writeAgentConfig(t, dir, "looping", { workerUrl: proxy.url });
    append(join(dir, "access.log"), 0, LINES);
    const run = await agent(config);
    expect(run.err).toBe("");
    expect(run.code).toBe(EXIT.ok);
    // from=0, then from=10 answered with the same page again: the agent stops there.
    expect(
      proxy.seen
        .filter((r) => r.url.startsWith("/api/v1/chunks"))
        .map((r) => new URL(r.url, "http://x").searchParams.get("from")),
    ).toEqual(["0", "10"]);
    await expectSameFiguresAsReference(t, "looping");
  });
});
