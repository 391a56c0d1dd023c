/**
 * `vigie-agent heartbeat`: tells the worker this node is alive (DESIGN.md, "Public contract":
 * `POST /api/v1/heartbeat`, Bearer node token, body `{ version, uptime, load, replicatedAt? }`, reply
 * `{ epoch, state, active, masterAddress }`), and when the master's address changed since the last
 * heartbeat, runs the `onMasterAddressChange` hook with the new address in its environment — what
 * used to be an ssh + sed of the standby's OpenVPN `remote` line. The address is recorded only once
 * the hook succeeded, so a failed hook runs again on the next heartbeat.
 */
import { describeError, withCleanup, type Context } from "./context";
import { EXIT } from "./exit-codes";
import { askWorker, type HttpAnswer, NotTheWorker, WorkerUnavailable } from "./http";
import { acquireLock } from "./lock";
import { ownFile, readIfExists, writeAtomic } from "./state";
import { AGENT_VERSION } from "./version";

export interface HeartbeatReply {
  epoch: number;
  state: string;
  active: string | null;
  masterAddress: string | null;
}

interface HeartbeatState extends HeartbeatReply {
  /** When the reply came (ms). */
  at: number;
}

/** Heartbeats keep their own state and lock: a long log upload must never delay them. */
export const heartbeatFiles = (ctx: Context) => ({
  state: `${ctx.config.stateFile}.heartbeat`,
  lock: `${ctx.config.lockFile}.heartbeat`,
});

export async function heartbeat(ctx: Context): Promise<void> {
  const { deps, config } = ctx;
  const body = JSON.stringify({
    version: AGENT_VERSION,
    ...deps.host(),
    replicatedAt: await replicatedAt(ctx),
  });
  if (ctx.dryRun) {
    ctx.info(
      `would send to ${config.workerUrl}/api/v1/heartbeat as node ${config.node!.name} (${config.node!.role}): ${body}`,
    );
    return;
  }
  const files = heartbeatFiles(ctx);
  const lock = await ownFile(`cannot take the lock ${files.lock}`, () =>
    acquireLock(deps, files.lock),
  );
  if (!lock.ok) {
    ctx.problems.add(
      EXIT.busy,
      `another heartbeat (pid ${lock.holder?.pid ?? "?"}) is still running`,
      ctx.verbose,
    );
    return;
  }
  await withCleanup(async () => {
    const reply = await send(ctx, body);
    if (!reply) return;
    ctx.info(
      `epoch ${reply.epoch}, ${reply.state}, active node ${reply.active ?? "none"}, master address ${reply.masterAddress ?? "unknown"}`,
    );
    const previous = await loadHeartbeatState(ctx, files.state);
    let recorded = reply.masterAddress;
    if (
      reply.masterAddress &&
      reply.masterAddress !== previous?.masterAddress &&
      config.hooks.onMasterAddressChange
    ) {
      if (!(await runHook(ctx, reply, previous?.masterAddress ?? null)))
        recorded = previous?.masterAddress ?? null;
    }
    const next: HeartbeatState = { ...reply, masterAddress: recorded, at: deps.now() };
    await ownFile(`cannot write ${files.state}`, () =>
      writeAtomic(deps, files.state, `${JSON.stringify(next)}\n`),
    );
  }, lock.release);
}

/** When the standby's copy last succeeded (epoch seconds): the mtime of the file its replication job touches. */
async function replicatedAt(ctx: Context): Promise<number | undefined> {
  const file = ctx.config.node!.replicatedAtFile;
  if (file === undefined) return undefined;
  try {
    return Math.floor((await ctx.deps.fs.stat(file)).mtimeMs / 1000);
  } catch (e) {
    ctx.info(`${file}: ${describeError(e)}; no replicatedAt sent`);
    return undefined;
  }
}

async function send(ctx: Context, body: string): Promise<HeartbeatReply | null> {
  const { config } = ctx;
  const what = `heartbeat of node ${config.node!.name}`;
  let answer: HttpAnswer;
  try {
    answer = await askWorker(ctx, {
      method: "POST",
      path: "/api/v1/heartbeat",
      token: config.node!.token!,
      headers: { "content-type": "application/json" },
      body,
      what,
    });
  } catch (e) {
    if (e instanceof WorkerUnavailable) {
      ctx.problems.add(EXIT.unavailable, e.message);
      return null;
    }
    if (e instanceof NotTheWorker) {
      ctx.problems.add(EXIT.auth, e.message);
      return null;
    }
    throw e;
  }
  const detail = `${answer.status}${answer.code ? ` ${answer.code}` : ""}: ${answer.message || "(no message)"}`;
  if (answer.status === 401 || answer.status === 403) {
    ctx.problems.add(
      EXIT.auth,
      `${what}: the worker refused the node token (${detail}). Check node.token in the config file or VIGIE_NODE_TOKEN.`,
    );
    return null;
  }
  if (answer.status === 422) {
    ctx.problems.add(
      EXIT.refused,
      `${what}: the worker refused this node's address (${detail}); heartbeats must come from a public address, not a private or CGNAT one`,
    );
    return null;
  }
  if (answer.status < 200 || answer.status >= 300) {
    ctx.problems.add(
      answer.status === 404 ? EXIT.auth : EXIT.refused,
      `${what}: the worker answered ${detail}`,
    );
    return null;
  }
  const r = answer.json as Partial<HeartbeatReply> | null;
  const optionalString = (v: unknown) => v === null || v === undefined || typeof v === "string";
  if (
    !r ||
    !Number.isInteger(r.epoch) ||
    typeof r.state !== "string" ||
    !optionalString(r.active) ||
    !optionalString(r.masterAddress)
  ) {
    ctx.problems.add(
      EXIT.refused,
      `${what}: unexpected answer ${JSON.stringify(answer.json)?.slice(0, 200)}`,
    );
    return null;
  }
  return {
    epoch: r.epoch!,
    state: r.state,
    active: r.active ?? null,
    masterAddress: r.masterAddress ?? null,
  };
}

async function loadHeartbeatState(ctx: Context, path: string): Promise<HeartbeatState | null> {
  const text = await readIfExists(ctx.deps, path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as HeartbeatState;
  } catch {
    ctx.info(`${path} is not valid JSON: starting afresh`);
    return null;
  }
}

/** Runs the hook; true when it exited 0. */
async function runHook(
  ctx: Context,
  reply: HeartbeatReply,
  previous: string | null,
): Promise<boolean> {
  const { deps, config } = ctx;
  const command = config.hooks.onMasterAddressChange!;
  const env = {
    VIGIE_MASTER_ADDRESS: reply.masterAddress ?? "",
    VIGIE_PREVIOUS_MASTER_ADDRESS: previous ?? "",
    VIGIE_EPOCH: String(reply.epoch),
    VIGIE_STATE: reply.state,
    VIGIE_ACTIVE_NODE: reply.active ?? "",
    VIGIE_SITE: config.site,
    VIGIE_NODE: config.node!.name,
    VIGIE_ROLE: config.node!.role,
  };
  ctx.info(`master address ${previous ?? "(none)"} → ${reply.masterAddress}: running ${command}`);
  const r = await deps.spawn(command, env, config.hookTimeoutMs);
  if (r.code === 0) return true;
  const how =
    r.code === null
      ? `was killed (time limit ${config.hookTimeoutMs / 1000} s?)`
      : `exited with ${r.code}`;
  ctx.problems.add(
    EXIT.hook,
    `hook onMasterAddressChange (${command}) ${how} for the new master address ${reply.masterAddress}; it runs again on the next heartbeat${r.output.trim() ? `. Its output:\n${r.output.trim()}` : ""}`,
  );
  return false;
}
