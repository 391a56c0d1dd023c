/**
 * Which files to look at: each configured live file (a `path`, or every match of a `glob`) and its
 * rotated siblings in the same directory — `NAME.1`, `NAME.2.gz`, `NAME-20250101`,
 * `NAME-20250101.gz` (logrotate's numbered and `dateext` names). Whether a sibling is then shipped
 * is decided by its content's identity (scan.ts), never by its name.
 */
import { basename, dirname } from "node:path";
import type { LogSpec } from "./config";
import type { AgentFs } from "./deps";
import { expandGlob } from "./glob";

export interface Candidate {
  path: string;
  spec: LogSpec;
  /** Named by the configuration itself (not a rotated sibling). */
  live: boolean;
}

export interface Discovery {
  candidates: Candidate[];
  /** Globs that match no file (a configured path that does not exist fails when it is opened). */
  missing: string[];
}

/** What logrotate appends to a rotated file's name. */
const ROTATED_SUFFIX = /^[.-][0-9][0-9-]*(\.gz)?$/;

export function isRotatedSibling(liveName: string, name: string): boolean {
  return name.startsWith(liveName) && ROTATED_SUFFIX.test(name.slice(liveName.length));
}

export async function discover(fs: AgentFs, logs: LogSpec[]): Promise<Discovery> {
  const candidates: Candidate[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const add = (c: Candidate) => {
    if (seen.has(c.path)) return;
    seen.add(c.path);
    candidates.push(c);
  };
  const lives: { path: string; spec: LogSpec }[] = [];
  for (const spec of logs) {
    const paths = spec.glob !== undefined ? await expandGlob(fs, spec.glob) : [spec.path!];
    if (spec.glob !== undefined && paths.length === 0) missing.push(spec.glob);
    for (const path of paths) {
      lives.push({ path, spec });
      add({ path, spec, live: true });
    }
  }
  const listings = new Map<string, Promise<string[]>>();
  for (const { path, spec } of lives) {
    const dir = dirname(path);
    if (!listings.has(dir))
      listings.set(
        dir,
        fs.readdir(dir).catch(() => []),
      );
    const names = await listings.get(dir)!;
    const live = basename(path);
    for (const name of names.filter((n) => isRotatedSibling(live, n)).sort())
      add({ path: `${dir}/${name}`, spec, live: false });
  }
  return { candidates, missing };
}
