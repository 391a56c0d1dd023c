/**
 * What `npm start` and `npm run try` can skip: the agent bundle when no source is newer, the
 * migrations when the local database file is the one they were applied to.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { root } from "./local-worker";

export const agentBundle = join(root, "dist", "vigie-agent.mjs");

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let t = -1;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) t = Math.max(t, mtime(join(e.parentPath, e.name)));
  return t;
}

/** Bundles the agent (edge-agent/build.ts) unless dist/ has it newer than its sources. */
export async function ensureAgent(): Promise<void> {
  const sources = Math.max(
    newest(join(root, "edge-agent")),
    newest(join(root, "worker", "core")), // the agent reads log formats with the core's code
    mtime(join(root, "package.json")), // its version
  );
  if (mtime(agentBundle) > sources) return;
  const { buildAgent } = await import("../edge-agent/build");
  await buildAgent(agentBundle);
}

/** The migration files, in order. */
export function migrationNames(): string[] {
  return readdirSync(join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
}

/**
 * The local D1's SQLite file under wrangler's `persistTo` (Miniflare names it by a hash of the
 * database id), with what tells a recreated file from the same one; null when there is none yet.
 */
export function databaseFile(
  persistTo: string,
): { file: string; ino: number; birth: number } | null {
  const dir = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
  } catch {
    return null;
  }
  if (names.length !== 1) return null;
  const st = statSync(join(dir, names[0]));
  return { file: join(dir, names[0]), ino: st.ino, birth: st.birthtimeMs };
}

export function sameFile(
  a: { file: string; ino: number; birth: number },
  b: { file: string; ino: number; birth: number } | null,
): boolean {
  return b !== null && a.file === b.file && a.ino === b.ino && a.birth === b.birth;
}
