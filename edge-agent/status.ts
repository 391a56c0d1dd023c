/**
 * `vigie-agent status`: what is pending per file, from the disk and the state file alone (no
 * network). For a gzip file not yet read to its end, the size is the one its trailer states.
 */
import { formatBytes, shortId, type Context } from "./context";
import { EXIT } from "./exit-codes";
import { HISTORY, scan } from "./scan";
import { gzipStatedSize, type OpenedFile } from "./source-file";
import { loadState } from "./state";

export interface FileStatus {
  path: string;
  source: string | null;
  gz: boolean;
  /** Bytes of the source (decompressed for gzip; null when unknown). */
  size: number | null;
  shipped: number;
  /** null when unknown (a gzip file whose size is not stated). */
  pending: number | null;
  note: string;
}

export async function status(ctx: Context, json: boolean): Promise<void> {
  const { deps, config } = ctx;
  const state = (await loadState(deps, config.stateFile)) ?? {
    version: 1 as const,
    installedAt: deps.now(),
    sources: {},
  };
  const found = await scan(deps, config, state);
  const rows: FileStatus[] = [];
  try {
    for (const s of found.sources) {
      const st = state.sources[s.sourceId];
      const shipped = st?.offset ?? 0;
      const row = async (f: OpenedFile, note: string): Promise<FileStatus> => {
        const size = f.gz ? (st?.final ? shipped : await gzipStatedSize(f)) : f.size;
        const pending = st?.final ? 0 : size === null ? null : Math.max(0, size - shipped);
        return { path: f.path, source: s.sourceId, gz: f.gz, size, shipped, pending, note };
      };
      const inflight = st?.inflight ? `; [${st.offset}, ${st.inflight.end}) in flight` : "";
      rows.push(await row(s.file, (st ? (st.final ? "done" : "following") : "new") + inflight));
      for (const t of s.twins)
        rows.push({ ...(await row(t, `same source as ${s.file.path}`)), pending: 0 });
    }
    const unverified = found.unverified.flatMap((s) =>
      [s.file, ...s.twins].map((file) => ({
        file,
        reason: `${HISTORY}, unless the worker holds part of it (run asks it)`,
      })),
    );
    for (const { file: f, reason } of [...unverified, ...found.ignored]) {
      rows.push({
        path: f.path,
        source: f.sourceId,
        gz: f.gz,
        size: f.gz ? await gzipStatedSize(f) : f.size,
        shipped: 0,
        pending: 0,
        note: reason,
      });
    }
  } finally {
    await found.close();
  }
  for (const u of found.unreadable)
    ctx.problems.add(EXIT.unreadable, `cannot read ${u.path}: ${u.error}`);
  for (const m of found.missing) ctx.problems.add(EXIT.unreadable, `no file matches ${m}`);

  const pending = rows.reduce((n, r) => n + (r.pending ?? 0), 0);
  const cap = state.chunkCap?.bytes;
  if (json) {
    deps.stdout(
      `${JSON.stringify({ site: config.site, stateFile: config.stateFile, pending, files: rows, ...(cap === undefined ? {} : { chunkCap: cap }) })}\n`,
    );
    return;
  }
  const table = [["FILE", "SOURCE", "SIZE", "SHIPPED", "PENDING", ""]];
  for (const r of rows) {
    table.push([
      r.path,
      r.source ? shortId(r.source) : "-",
      r.size === null ? "?" : `${r.gz ? "~" : ""}${formatBytes(r.size)}`,
      formatBytes(r.shipped),
      r.pending === null ? "?" : formatBytes(r.pending),
      r.note,
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table)
    deps.stdout(
      `${row
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd()}\n`,
    );
  deps.stdout(
    `pending: ${formatBytes(pending)} (site ${config.site}, state ${config.stateFile})\n`,
  );
  if (cap !== undefined)
    deps.stdout(
      `chunks of at most ${formatBytes(cap)}: Cloudflare stopped the worker at its CPU limit on larger ones (a deploy that changes the worker's limit lifts this)\n`,
    );
}
