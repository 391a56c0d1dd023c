/**
 * One agent at a time: a lock file created exclusively (O_EXCL), holding `{ pid, since, start }`:
 * the holder's pid and its process's start (`Deps.processStart`), so that a pid recycled by another
 * process is not taken for the holder. A lock is stale, moved aside and taken over, when its process
 * is dead, when that pid now names a process that started at another time, or when it was taken
 * before the last boot (where the start is unknown: no /proc).
 */
import { dirname } from "node:path";
import type { FileHandle } from "node:fs/promises";
import type { Deps } from "./deps";

export interface LockHolder {
  pid: number;
  since: number;
  /** The holder's `Deps.processStart`; absent in locks of older agents or without /proc. */
  start?: string;
}

export type LockResult =
  | { ok: true; release(): Promise<void> }
  | { ok: false; holder: LockHolder | null };

/** A lock file with no readable owner is treated as stale once it is this old (a writer died mid-write). */
const UNREADABLE_LOCK_GRACE_MS = 60_000;

export async function acquireLock(deps: Deps, path: string): Promise<LockResult> {
  const mine = JSON.stringify({
    pid: deps.pid,
    since: deps.now(),
    start: deps.processStart(deps.pid) ?? undefined,
  });
  await deps.fs.mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(deps, path, mine)) {
      return { ok: true, release: () => releaseLock(deps, path, mine) };
    }
    const seen = await readLock(deps, path);
    if (seen === null) continue; // vanished meanwhile: try again
    const holder = parseHolder(seen.text);
    const stale = holder
      ? isStale(deps, holder)
      : deps.now() - seen.mtimeMs > UNREADABLE_LOCK_GRACE_MS;
    if (!stale) return { ok: false, holder };
    if (!(await moveAsideIfUnchanged(deps, path, seen.text))) return { ok: false, holder: null };
  }
  return { ok: false, holder: null };
}

function isStale(deps: Deps, holder: LockHolder): boolean {
  // Taken before the last boot: whatever now runs under that pid is not an agent of ours.
  const bootedAt = deps.now() - deps.host().uptime * 1000;
  if (holder.since < bootedAt || !deps.isAlive(holder.pid)) return true;
  if (holder.start === undefined) return false;
  const start = deps.processStart(holder.pid);
  return start !== null && start !== holder.start;
}

async function createExclusive(deps: Deps, path: string, text: string): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await deps.fs.open(path, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

async function readLock(
  deps: Deps,
  path: string,
): Promise<{ text: string; mtimeMs: number } | null> {
  try {
    const st = await deps.fs.stat(path);
    return { text: await deps.fs.readFile(path, "utf8"), mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as LockHolder;
    if (!Number.isInteger(h.pid) || h.pid <= 0) return null;
    const start = typeof h.start === "string" ? h.start : undefined;
    return { pid: h.pid, since: Number(h.since) || 0, start };
  } catch {
    return null;
  }
}

/**
 * Moves a stale lock aside, atomically (rename). Two agents may both find the same stale lock: if
 * what was moved is not the stale text (another agent had already replaced it with its own live
 * lock), it is put back and this agent backs off.
 */
async function moveAsideIfUnchanged(deps: Deps, path: string, staleText: string): Promise<boolean> {
  const aside = `${path}.stale-${deps.pid}`;
  try {
    await deps.fs.rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
  const moved = await deps.fs.readFile(aside, "utf8");
  if (moved !== staleText) {
    await deps.fs.link(aside, path).catch(() => undefined);
    await deps.fs.unlink(aside);
    return false;
  }
  await deps.fs.unlink(aside);
  return true;
}

async function releaseLock(deps: Deps, path: string, mine: string): Promise<void> {
  try {
    if ((await deps.fs.readFile(path, "utf8")) === mine) await deps.fs.unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}
