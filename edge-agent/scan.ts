/**
 * One look at the disk: the configured files and their rotated siblings, opened, identified and
 * grouped by source. Several files can hold one source (`access.log.1` while its `.gz` is being
 * written; a `copytruncate` copy in progress): the source is read from the fullest plain file,
 * else from the compressed one.
 */
import type { AgentConfig } from "./config";
import type { Deps } from "./deps";
import type { AgentState } from "./state";
import { describeError } from "./context";
import { discover } from "./discover";
import { openSourceFile, type OpenedFile } from "./source-file";

export interface ScannedSource {
  sourceId: string;
  /** The file the source is read from. */
  file: OpenedFile;
  /** Other files holding the same source (not read). */
  twins: OpenedFile[];
}

export interface Scan {
  /** Sources to ship, oldest file first. */
  sources: ScannedSource[];
  /**
   * Rotated before the first run of this state, and not in it: history, unless the worker holds
   * part of them (the state file was lost): `run` asks it. Oldest first.
   */
  unverified: ScannedSource[];
  /** Files looked at and left alone, with why. */
  ignored: { file: OpenedFile; reason: string }[];
  /** Files that could not be opened or identified, with the error. */
  unreadable: { path: string; error: string }[];
  /** Globs that matched nothing. */
  missing: string[];
  close(): Promise<void>;
}

export const HISTORY = "rotated before the agent's first run (set backfill to ship it)";

export async function scan(deps: Deps, config: AgentConfig, state: AgentState): Promise<Scan> {
  const { candidates, missing } = await discover(deps.fs, config.logs);
  const opened: OpenedFile[] = [];
  const unreadable: Scan["unreadable"] = [];
  const byInode = new Set<string>();
  const ignored: Scan["ignored"] = [];
  for (const c of candidates) {
    let file: OpenedFile;
    try {
      file = await openSourceFile((p) => deps.fs.open(p, "r"), c);
    } catch (e) {
      // A rotated sibling that vanished meanwhile (logrotate removed or compressed it) is no problem.
      if (!c.live && (e as NodeJS.ErrnoException).code === "ENOENT") continue;
      const hint =
        (e as NodeJS.ErrnoException).code === "EACCES"
          ? " (is the agent's user in the log's group, e.g. adm?)"
          : "";
      unreadable.push({ path: c.path, error: describeError(e) + hint });
      continue;
    }
    const inode = `${file.dev}:${file.ino}`;
    if (byInode.has(inode)) {
      await file.fh.close();
      continue;
    }
    byInode.add(inode);
    opened.push(file);
  }

  const groups = new Map<string, OpenedFile[]>();
  for (const f of opened) {
    if (f.sourceId === null) {
      ignored.push({ file: f, reason: "no whole first line yet" });
      continue;
    }
    const g = groups.get(f.sourceId);
    if (g) g.push(f);
    else groups.set(f.sourceId, [f]);
  }

  const sources: ScannedSource[] = [];
  const unverified: ScannedSource[] = [];
  for (const [sourceId, files] of groups) {
    // Plain before gzip, then the largest: the most complete copy of the source.
    files.sort((a, b) => Number(a.gz) - Number(b.gz) || b.size - a.size);
    const [file, ...twins] = files;
    const st = state.sources[sourceId];
    const wanted =
      (st !== undefined && !st.history) ||
      files.some((f) => f.live) ||
      file.spec.backfill ||
      file.mtimeMs >= state.installedAt;
    if (wanted) sources.push({ sourceId, file, twins });
    else if (st === undefined) unverified.push({ sourceId, file, twins });
    else for (const f of files) ignored.push({ file: f, reason: HISTORY });
  }
  const oldestFirst = (a: ScannedSource, b: ScannedSource) => a.file.mtimeMs - b.file.mtimeMs;
  sources.sort(oldestFirst);
  unverified.sort(oldestFirst);

  return {
    sources,
    unverified,
    ignored,
    unreadable,
    missing,
    close: async () => {
      await Promise.all(opened.map((f) => f.fh.close().catch(() => undefined)));
    },
  };
}
