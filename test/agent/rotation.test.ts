// The agent against a real local worker (wrangler dev, local D1) while logrotate does its work:
// each scenario writes the fixture log over several runs, rotating it on the way, and ends with
// the site's stored figures equal to those of the fixture uploaded once.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../edge-agent/exit-codes";
import { rng } from "../random";
import { nodeDeps } from "../../edge-agent/deps";
import { crashingDeps, type CrashPoint, type EffectKind } from "./deps";
import { removeTempDirs, tempDir } from "./temp";
import {
  agent,
  expectSameFiguresAsReference,
  writeAgentConfig,
  type TestWorker,
  startTestWorker,
} from "./harness";
import {
  LINES,
  append,
  compress,
  copyTruncate,
  finishLine,
  lines,
  rename,
  uniqueLine,
} from "./logs";

const KINDS: EffectKind[] = ["fetch", "open", "write", "sync", "rename", "unlink"];

let t: TestWorker;
beforeAll(async () => {
  t = await startTestWorker(["rename", "copytruncate", "gzip", "crash", "window"]);
}, 90_000);
afterAll(async () => {
  await t?.stop();
  removeTempDirs();
});

/** Runs the agent and expects a clean exit. */
async function ok(config: string) {
  const r = await agent(config);
  expect(r.err).toBe("");
  expect(r.code).toBe(EXIT.ok);
  return r;
}

const state = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "state", "agent.json"), "utf8")) as {
    sources: Record<string, { offset: number; final?: boolean; inflight?: unknown }>;
  };

describe("the agent ships a rotated log exactly once", () => {
  it("rotation by rename (delaycompress), the renamed file still written to, a half-written line waiting", async () => {
    for (const i of [0, 4500, 6000, 8000]) expect(uniqueLine(i)).toBe(true);
    const dir = tempDir("rename");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "rename");

    append(live, 0, 1500, 40);
    await ok(config);
    expect(Object.values(state(dir).sources).map((s) => s.offset)).toEqual([lines(0, 1500).length]);

    finishLine(live, 1500, 40, 3000);
    await ok(config);
    append(live, 3000, 4200);
    rename(live, `${live}.1`);
    append(`${live}.1`, 4200, 4500); // until the server reopens its log, it writes to the renamed file
    append(live, 4500, 6000);
    await ok(config);

    compress(`${live}.1`);
    rename(`${live}.1.gz`, `${live}.2.gz`);
    rename(live, `${live}.1`);
    append(live, 6000, 8000);
    await ok(config);

    append(live, 8000, LINES);
    rename(`${live}.2.gz`, `${live}.3.gz`);
    compress(`${live}.1`);
    rename(`${live}.1.gz`, `${live}.2.gz`);
    rename(live, `${live}.1`);
    writeFileSync(live, "");
    const last = await ok(config);
    expect(last.out).toBe("");

    await expectSameFiguresAsReference(t, "rename");
    const status = await agent(config, {}, { command: "status" });
    expect(status.code).toBe(EXIT.ok);
    expect(status.out).toMatch(/pending: 0 B/);
    expect(status.out).toMatch(/access\.log\.3\.gz .* done/);
  });

  it("copytruncate, with the copies compressed later; a run between truncate and the first new line", async () => {
    for (const i of [0, 3500, 6500]) expect(uniqueLine(i)).toBe(true);
    const dir = tempDir("copytruncate");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "copytruncate");

    append(live, 0, 2000);
    await ok(config);
    append(live, 2000, 3500);
    copyTruncate(live, `${live}.1`); // the copy holds 1500 lines not shipped yet
    await ok(config); // the live file is empty: nothing to do there
    append(live, 3500, 5000, 25);
    await ok(config);

    finishLine(live, 5000, 25, 6500);
    compress(`${live}.1`);
    rename(`${live}.1.gz`, `${live}.2.gz`);
    copyTruncate(live, `${live}.1`);
    append(live, 6500, 8000);
    await ok(config);
    append(live, 8000, LINES);
    await ok(config);

    await expectSameFiguresAsReference(t, "copytruncate");
    // Three sources: the original file, and each content after a truncation.
    expect(Object.keys(state(dir).sources)).toHaveLength(3);
  });

  it("copytruncate's window: lines shipped from the live file between the copy and the truncate are in no copy; the shorter copy is done with a note, never exit 6 (issue 18)", async () => {
    for (const i of [0, 3500, 7000]) expect(uniqueLine(i)).toBe(true);
    const dir = tempDir("window");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "window");

    append(live, 0, 2000);
    await ok(config);
    append(live, 2000, 3000);
    copyFileSync(live, `${live}.1`); // logrotate copies…
    append(live, 3000, 3500); // …the web server writes on…
    await ok(config); // …and the agent ships them from the live file…
    truncateSync(live, 0); // …before logrotate empties it: the copy lacks lines 3000-3500.
    append(live, 3500, 5000);
    await ok(config);
    compress(`${live}.1`);
    const noted = await agent(config);
    expect(noted.code, noted.err).toBe(EXIT.ok);
    expect(noted.err).toMatch(
      new RegExp(
        `^vigie-agent: note: ${live}\\.1\\.gz holds ${lines(0, 3000).length} bytes of its log, fewer than the ${lines(0, 3500).length} already shipped \\(logrotate's copytruncate: the lines written between its copy and its truncate were shipped from the live file\\); nothing more to ship from it\n$`,
      ),
    );
    await ok(config); // said once

    // The same window, with the agent killed after the worker applied the live file's last
    // chunk and before its checkpoint: that range is in flight, and no file holds it any more.
    append(live, 5000, 6000);
    await ok(config);
    append(live, 6000, 6500);
    rename(`${live}.1.gz`, `${live}.2.gz`);
    copyFileSync(live, `${live}.1`);
    append(live, 6500, 7000);
    const tail = readFileSync(live).length;
    const c = crashingDeps(nodeDeps(), {
      kind: "fetch",
      nth: 1,
      when: "after",
      match: `&end=${tail}&`,
    });
    const killed = await agent(config, { ...c.deps, pid: 70_001, isAlive: () => false });
    expect(killed.code, killed.err).toBe(EXIT.internal);
    expect(Object.values(state(dir).sources).some((s) => s.inflight)).toBe(true);
    truncateSync(live, 0);
    append(live, 7000, LINES);
    compress(`${live}.1`);
    const settled = await agent(config, { pid: 70_002, isAlive: () => false }, { verbose: true });
    expect(settled.code, settled.err).toBe(EXIT.ok);
    expect(settled.out).toMatch(
      new RegExp(
        `access\\.log\\.1\\.gz: bytes \\[\\d+, ${tail}\\), in flight when the last run stopped, are no longer on disk; the worker holds them`,
      ),
    );
    expect(settled.err).toMatch(
      /^vigie-agent: note: .*access\.log\.1\.gz holds \d+ bytes of its log/,
    );
    await ok(config);
    expect(Object.values(state(dir).sources).every((s) => s.inflight === undefined)).toBe(true);

    // The state file lost: each compressed copy ends inside a chunk the worker holds; it is
    // finished from the worker's listing, nothing sent again.
    rmSync(join(dir, "state"), { recursive: true });
    const lost = await agent(config, { pid: 70_003, isAlive: () => false });
    expect(lost.code, lost.err).toBe(EXIT.ok);
    expect(lost.err.match(/^vigie-agent: note: /gm)).toHaveLength(2);
    await ok(config);
    await expectSameFiguresAsReference(t, "window");
  });

  it("compress without delaycompress (multi-member gzip), several files, a gzip archive shipped with backfill", async () => {
    for (const i of [0, 2000, 5000]) expect(uniqueLine(i)).toBe(true);
    const dir = tempDir("gzip");
    mkdirSync(join(dir, "archive"));
    writeFileSync(join(dir, "archive", "old.log"), lines(0, 2000));
    compress(join(dir, "archive", "old.log"), 3);
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "gzip", {
      logs: [
        { path: live, format: "combined" },
        { glob: join(dir, "archive", "*.gz"), backfill: true },
      ],
    });

    append(live, 2000, 3500);
    const first = await agent(config, {}, { verbose: true });
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/archive\/old\.log\.gz \[fl1-[0-9a-f]{8}\]: from byte 0 \(gzip/);
    append(live, 3500, 5000);
    rename(live, `${live}.1`);
    compress(`${live}.1`, 2);
    append(live, 5000, 7000);
    await ok(config);
    append(live, 7000, LINES);
    await ok(config);
    await ok(config);

    await expectSameFiguresAsReference(t, "gzip");
    expect(Object.values(state(dir).sources).filter((s) => s.final)).toHaveLength(2);
  });

  it("killed at random points (a crash injected before or after any write or request), with rotations meanwhile", async () => {
    for (const i of [0, 3000, 3900, 6400]) expect(uniqueLine(i)).toBe(true);
    const dir = tempDir("crash");
    const live = join(dir, "access.log");
    const config = writeAgentConfig(t, dir, "crash", { chunkBytes: 64 * 1024 });
    const rand = rng(7);
    // What the web server and logrotate do: a step, then (after some runs) a few more lines.
    // Each step first makes the source whose tail was last sent grow (or rotates it).
    const phases: { step(): void; grow(): void }[] = [
      { step: () => append(live, 0, 1100), grow: () => append(live, 1100, 1200, 30) },
      { step: () => finishLine(live, 1200, 30, 2600), grow: () => append(live, 2600, 2700) },
      {
        step: () => {
          append(live, 2700, 2900);
          rename(live, `${live}.1`);
          append(`${live}.1`, 2900, 3000);
          append(live, 3000, 3700);
        },
        grow: () => append(live, 3700, 3800),
      },
      {
        step: () => {
          compress(`${live}.1`);
          rename(`${live}.1.gz`, `${live}.2.gz`);
          rename(live, `${live}.1`);
          append(`${live}.1`, 3800, 3900);
          append(live, 3900, 5600);
        },
        grow: () => append(live, 5600, 5700),
      },
      {
        step: () => {
          append(live, 5700, 6400);
          copyTruncate(live, `${live}.0`);
          append(live, 6400, 8000);
        },
        grow: () => append(live, 8000, 8100),
      },
      { step: () => append(live, 8100, LINES), grow: () => {} },
    ];
    const crashes: string[] = [];
    let pid = 50_000;
    let lastCrashed = false;
    const run = async (point: CrashPoint) => {
      const c = crashingDeps(nodeDeps(), point);
      const r = await agent(config, { ...c.deps, pid: ++pid, isAlive: () => false });
      lastCrashed = c.crashed();
      if (c.crashed()) {
        expect(r.code, r.err).toBe(EXIT.internal);
        expect(r.err).toContain("SimulatedCrash");
        crashes.push(r.err.split("\n")[0].replace(/.*SimulatedCrash: /, ""));
      } else expect(r.code, r.err).toBe(EXIT.ok);
    };
    for (const phase of phases) {
      phase.step();
      // One or two runs killed at a random side effect…
      for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) {
        await run({
          kind: KINDS[Math.floor(rand() * KINDS.length)],
          nth: 1 + Math.floor(rand() * 8),
          when: rand() < 0.5 ? "before" : "after",
        });
      }
      // …then one killed right after the worker applied the live file's last chunk, before its
      // checkpoint: the next step makes that file longer, so the next run must send exactly the
      // same range again (a new cut at the new end would overlap it: 409).
      phase.grow();
      const tail = readFileSync(live).lastIndexOf(10) + 1;
      await run({ kind: "fetch", nth: 1, when: "after", match: `&end=${tail}&` });
    }
    expect(crashes.length).toBeGreaterThan(5);
    expect(
      crashes.filter((c) => c.startsWith("crash after fetch") && c.includes("/api/v1/ingest"))
        .length,
    ).toBeGreaterThanOrEqual(5);
    // A crashed run leaves its lock behind: the next run finds its process dead and takes over.
    expect(existsSync(join(dir, "agent.lock"))).toBe(lastCrashed);
    const last = await agent(config, { pid: ++pid, isAlive: () => false });
    expect(last.code, last.err).toBe(EXIT.ok);
    expect(Object.values(state(dir).sources).every((s) => s.inflight === undefined)).toBe(true);
    await expectSameFiguresAsReference(t, "crash");
  });
});
