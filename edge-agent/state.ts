/**
 * The agent's checkpoints, one JSON file written atomically (temp file, fsync, rename, fsync of
 * the directory): after a crash or a power cut it holds either the old or the new checkpoints,
 * never a mix.
 *
 * Per source: `offset` — bytes [0, offset) are applied on the worker; `inflight` — the range
 * [offset, end) the agent is sending, written *before* it is sent. A run that finds an inflight
 * range sends exactly that range again first: the worker answers "applied" or "already-applied",
 * never a 409, even if the file grew meanwhile (a new cut at the file's new end would overlap).
 */
import { dirname } from "node:path";
import { describeError } from "./context";
import type { FileHandle } from "node:fs/promises";
import type { Deps } from "./deps";

export interface SourceState {
  offset: number;
  /** [offset, end) is being sent; `sha256` is of those raw bytes, to check they are the same when re-read. */
  inflight?: { end: number; sha256: string; standIn?: true };
  /** Read to the end of a compressed (so finished) file: nothing more will come. */
  final?: boolean;
  /**
   * Rotated before the agent's first run and unknown to the worker: history, shipped only with
   * `backfill` (recorded so that the worker is asked once, not at every run).
   */
  history?: true;
  /** Where it was last read, for `status` and for noticing a truncated file. */
  path: string;
  dev: number;
  ino: number;
  /** Last time a file of this source was seen (ms); sources unseen for a month are forgotten. */
  seenAt: number;
}

export interface AgentState {
  version: 1;
  /**
   * The first run's time (of this state file): a rotated file older than this and unknown to the
   * worker is history, shipped only with `backfill`; one the worker holds part of is finished.
   */
  installedAt: number;
  sources: Record<string, SourceState>;
  /**
   * Cloudflare stopped the worker at its CPU limit (error 1102) on chunks larger than `bytes`
   * while the worker took chunks of up to `workerLimit`: chunks stay within `bytes` as long as the
   * worker's limit is the same (a deploy that changes it, such as going Paid, starts afresh).
   */
  chunkCap?: { bytes: number; workerLimit: number };
}

/**
 * The agent's own files (state, lock) cannot be read or written: it stops rather than guess
 * (re-sending from 0 could double-count). Exit 3, like a bad config.
 */
export class StateError extends Error {
  override name = "StateError";
}

/** Runs `f`; a filesystem error becomes a StateError saying what could not be done. */
export async function ownFile<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === "string" && typeof err.syscall === "string")
      throw new StateError(`${what}: ${describeError(e)}`);
    throw e;
  }
}

export const FORGET_AFTER_MS = 31 * 24 * 3600 * 1000;

export async function loadState(deps: Deps, path: string): Promise<AgentState | null> {
  const text = await ownFile(`cannot read the state file ${path}`, () => readIfExists(deps, path));
  if (text === null) return null;
  let s: AgentState;
  try {
    s = JSON.parse(text) as AgentState;
  } catch (e) {
    throw new StateError(
      `state file ${path} is not valid JSON (${(e as Error).message}); restore it or move it away (the agent would then re-send files from their start)`,
    );
  }
  if (
    s?.version !== 1 ||
    typeof s.installedAt !== "number" ||
    typeof s.sources !== "object" ||
    s.sources === null
  ) {
    throw new StateError(`state file ${path} is not a vigie-agent state (version 1)`);
  }
  return s;
}

export async function readIfExists(deps: Deps, path: string): Promise<string | null> {
  try {
    return await deps.fs.readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Replaces `path` with `text` atomically and durably. */
export async function writeAtomic(deps: Deps, path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await deps.fs.mkdir(dir, { recursive: true });
  // One name, truncated on open: the caller holds the lock, so no other writer shares it, and a
  // temp file left by a crash is simply reused.
  const tmp = `${path}.tmp`;
  const fh = await deps.fs.open(tmp, "w", 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await deps.fs.rename(tmp, path);
  await syncDirectory(deps, dir);
}

/** Makes a rename durable. Some filesystems refuse to fsync a directory: then the rename is as durable as they allow. */
async function syncDirectory(deps: Deps, dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await deps.fs.open(dir, "r");
    await fh.sync();
  } catch (e) {
    if (
      !["EISDIR", "EINVAL", "EPERM", "EACCES", "EBADF"].includes(
        (e as NodeJS.ErrnoException).code ?? "",
      )
    )
      throw e;
  } finally {
    await fh?.close();
  }
}

export function saveState(deps: Deps, path: string, state: AgentState): Promise<void> {
  return writeAtomic(deps, path, `${JSON.stringify(state, null, 1)}\n`);
}
