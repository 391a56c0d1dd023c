import type { AgentConfig } from "./config";
import type { Deps } from "./deps";
import type { Problems } from "./exit-codes";

/** What every command works with. */
export interface Context {
  deps: Deps;
  config: AgentConfig;
  problems: Problems;
  verbose: boolean;
  dryRun: boolean;
  /** A line of detail: printed with --verbose (and always in --dry-run), else dropped. */
  info(line: string): void;
  /** Progress is shown: --verbose (on stdout, with the details), or stderr is a terminal. */
  showsProgress: boolean;
  /** A line of progress: as `info` with --verbose, else on stderr when it is a terminal (not under cron). */
  progress(line: string): void;
  /** Set when a request gave up on the worker: the run's later requests try once (`askWorker`). */
  workerGaveUp: boolean;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** A source id cut short for humans (the full id is in the state file). */
export const shortId = (sourceId: string) => sourceId.slice(0, 12);

/** Runs `body`, then `cleanup`; a cleanup failure never hides the body's own error. */
export async function withCleanup<T>(
  body: () => Promise<T>,
  cleanup: () => Promise<void>,
): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
  await cleanup();
  return result;
}

/** A filesystem error in words (the agent's usual ones), else the error's message. */
export function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EISDIR: "is a directory",
    ENOTDIR: "a part of the path is not a directory",
    EEXIST: "a file is in the way",
    ENOTFILE: "not a regular file",
    ENOSPC: "no space left on the device",
    EROFS: "read-only filesystem",
    EIO: "input/output error",
  };
  return (err.code && reasons[err.code]) ?? err.message ?? String(e);
}
