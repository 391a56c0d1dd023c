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

/** How often a long `run` sends a heartbeat between its chunks (when no other process did). */
export const HEARTBEAT_EVERY_MS = 60_000;

/**
 * `heartbeat`, or the one `run` sends first (`inRun`): there, another heartbeat running (its lock
 * held) is no problem of the run's, only a reason to skip this one.
 */
export async function heartbeat(ctx: Context, inRun = false): Promise<void> {
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
    const message = `another heartbeat (pid ${lock.holder?.pid ?? "?"}) is still running`;
    if (inRun) ctx.info(`${message}: this run sends none`);
    else ctx.problems.add(EXIT.busy, message, ctx.verbose);
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

/**
 * For a long `run`: a function to call between chunks, which sends a heartbeat once none was sent
 * for HEARTBEAT_EVERY_MS, by this process or another (the heartbeat state's time), so that a long
 * backlog never starves the watchdog, under cron or under a systemd timer (which starts no second
 * run while one is active).
 */
export function heartbeatsDuring(ctx: Context): () => Promise<void> {
  let last = ctx.deps.now();
  return async () => {
    if (ctx.deps.now() - last < HEARTBEAT_EVERY_MS) return;
    const other = await loadHeartbeatState(ctx, heartbeatFiles(ctx).state);
    last = Math.max(last, other?.at ?? 0);
    if (ctx.deps.now() - last < HEARTBEAT_EVERY_MS) return;
    last = ctx.deps.now();
    await heartbeat(ctx, true);
  };
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
      headers: { "content-type": "application/json", ...clientIpHeader(ctx) },
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
      `${what}: the worker refused this node's address (${detail}): a heartbeat must reach the worker from the box's public address, not a private or CGNAT one; the watchdog did not see this node`,
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

/**
 * VIGIE_CLIENT_IP, for local testing only: sent as X-Vigie-Client-IP, which a worker started with
 * the var DEV_CLIENT_IP_HEADER=1 (`npm start`, tests; never in production) takes instead of
 * CF-Connecting-IP (which `wrangler dev` sets to 127.0.0.1, a refused private address).
 */
function clientIpHeader(ctx: Context): Record<string, string> {
  const ip = ctx.deps.env.VIGIE_CLIENT_IP;
  return ip ? { "x-vigie-client-ip": ip } : {};
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
