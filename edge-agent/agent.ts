/**
 * The agent as a library: `runAgent(options, deps)` runs one command and returns its exit code.
 * The CLI (cli.ts) only maps flags onto options; tests call this with fake deps.
 */
import { missingFor, parseConfig } from "./config";
import { describeError, withCleanup, type Context } from "./context";
import type { Deps } from "./deps";
import { EXIT, Problems, type ExitCode } from "./exit-codes";
import { heartbeat, heartbeatsDuring } from "./heartbeat";
import { acquireLock } from "./lock";
import { ship } from "./ship";
import { ownFile, StateError } from "./state";
import { status } from "./status";

export type Command = "run" | "heartbeat" | "status";

export interface AgentOptions {
  command: Command;
  configPath: string;
  /** Read and cut, print what would be sent; send nothing, write nothing. */
  dryRun?: boolean;
  /** Progress and details on stdout. */
  verbose?: boolean;
  /** `status` as one JSON object. */
  json?: boolean;
}

/** A lock held longer than this is worth a message even without --verbose. */
const LONG_LOCK_MS = 3600_000;

export async function runAgent(options: AgentOptions, deps: Deps): Promise<ExitCode> {
  const problems = new Problems(deps.stderr);
  let text: string;
  try {
    text = await deps.fs.readFile(options.configPath, "utf8");
  } catch (e) {
    problems.add(
      EXIT.config,
      `cannot read the config file ${options.configPath}: ${describeError(e)}`,
    );
    return problems.exitCode();
  }
  const parsed = parseConfig(text, options.configPath, deps.env);
  const errors = parsed.ok ? missingFor(parsed.config, options.command) : parsed.errors;
  if (!parsed.ok || errors.length) {
    problems.add(EXIT.config, `bad config file ${options.configPath}:\n  ${errors.join("\n  ")}`);
    return problems.exitCode();
  }
  const verbose = options.verbose === true;
  const dryRun = options.dryRun === true;
  const ctx: Context = {
    deps,
    config: parsed.config,
    problems,
    verbose,
    dryRun,
    info: verbose || dryRun ? (line) => deps.stdout(`${line}\n`) : () => undefined,
    showsProgress: verbose || dryRun || deps.stderrIsTTY,
    progress: (line) => {
      if (verbose || dryRun) deps.stdout(`${line}\n`);
      else if (deps.stderrIsTTY) deps.stderr(`${line}\n`);
    },
    workerGaveUp: false,
  };
  try {
    if (options.command === "heartbeat") await heartbeat(ctx);
    else if (options.command === "status") await status(ctx, options.json === true);
    else {
      // One cron line does both: the heartbeat first (its own lock and state), so that a run
      // waiting on another's long backlog, or one shipping it, never delays the watchdog.
      const beats = ctx.config.node !== undefined;
      if (beats) await heartbeat(ctx, true);
      const between = beats && !dryRun ? heartbeatsDuring(ctx) : undefined;
      if (ctx.config.logs.length === 0) ctx.info("no logs configured: nothing to ship");
      else if (dryRun) await ship(ctx);
      else await shipLocked(ctx, between);
    }
  } catch (e) {
    if (e instanceof StateError) problems.add(EXIT.config, e.message);
    else
      problems.add(
        EXIT.internal,
        `internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
  }
  return problems.exitCode();
}

async function shipLocked(ctx: Context, between?: () => Promise<void>): Promise<void> {
  const { deps, config } = ctx;
  const lock = await ownFile(`cannot take the lock ${config.lockFile}`, () =>
    acquireLock(deps, config.lockFile),
  );
  if (!lock.ok) {
    const h = lock.holder;
    const long = h !== null && deps.now() - h.since > LONG_LOCK_MS;
    const since = h ? ` since ${new Date(h.since).toISOString()}` : "";
    ctx.problems.add(
      EXIT.busy,
      `another agent (pid ${h?.pid ?? "?"}) holds ${config.lockFile}${since}; this run did nothing`,
      ctx.verbose || long,
    );
    return;
  }
  await withCleanup(() => ship(ctx, between), lock.release);
}
