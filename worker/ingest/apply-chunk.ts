import type { AnalysisPartial } from "../core/partial";
import type { RobotRules, VisitorDay } from "../core/visitor-day";
import type { ChunkReceipt } from "../db/queries/chunk-receipts";
import { addDays } from "../db/queries/add-days";
import { addHours } from "../db/queries/add-hours";
import { addMonths } from "../db/queries/add-months";
import { findOverlappingChunks, insertChunk } from "../db/queries/chunk-receipts";
import { insertWatchedHits } from "../db/queries/insert-watched-hits";
import { addToRun, insertRejectedSamples } from "../db/queries/runs";
import {
  bumpSiteVersion,
  checkSiteVersion,
  clearGuard,
  isGuardFailure,
} from "../db/queries/site-version-guard";
import { deleteEmptyPanelRows, upsertPanelRows } from "../db/queries/upsert-panel-rows";
import { readVisitorDays, upsertVisitorDays } from "../db/queries/upsert-visitor-days";
import { readVisitorMonths, upsertVisitorMonths } from "../db/queries/upsert-visitor-months";
import { decodeVisitorDay, planChunk, touchedKeys } from "./plan-chunk";

export interface ChunkToApply {
  siteId: number;
  source: string;
  start: number;
  end: number;
  sha256: string;
  runId: number;
  partial: AnalysisPartial;
  analysisMs: number;
  rules: RobotRules;
  gap: number;
  now: number;
}

export type ApplyOutcome =
  | {
      status: "applied";
      statements: number;
      queries: number;
      rowsWritten: number;
      attempts: number;
    }
  | { status: "already-applied"; queries: number }
  | { status: "conflict"; message: string; queries: number };

/** Test hook: a statement that fails, inserted at this index of the batch (to prove atomicity). */
export interface ApplyOptions {
  failAt?: number;
}

/** Attempts before answering 503 (the agent retries later); with jittered backoff between them. */
const MAX_ATTEMPTS = 30;

export class SiteBusyError extends Error {}

/**
 * Applies a chunk exactly once: its receipt and all its counters commit in one D1 batch (a
 * transaction), guarded by the site's version so that two writers never interleave a
 * read-merge-write. A repeat of an applied chunk changes nothing; an overlap is refused.
 */
export async function applyChunk(
  db: D1Database,
  c: ChunkToApply,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  let queries = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const receipt = await checkReceipt(db, c);
    queries += 1;
    if (receipt.status !== "new") return { ...receipt, queries };

    // Read the stored records the chunk touches (and the version they belong to) in one batch.
    const keys = touchedKeys(c.partial);
    const dayReads = readVisitorDays(db, c.siteId, keys.visitorDays);
    const nDays = dayReads.length;
    const reads = [
      db.prepare("SELECT version FROM sites WHERE id = ?1").bind(c.siteId),
      ...dayReads,
      ...readVisitorMonths(db, c.siteId, keys.visitorMonths),
    ];
    const results = await db.batch(reads);
    queries += reads.length;
    const version = (results[0].results[0] as { version: number }).version;
    const stored = new Map<string, VisitorDay>();
    for (const r of results.slice(1, 1 + nDays)) {
      for (const row of r.results as {
        date: string;
        visitor: string;
        counters: string;
        spans: string;
      }[])
        stored.set(`${row.date} ${row.visitor}`, decodeVisitorDay(row.counters, row.spans));
    }
    const humanDays = new Map<string, number>();
    for (const r of results.slice(1 + nDays)) {
      for (const row of r.results as { month: string; visitor: string; humanDays: number }[])
        humanDays.set(`${row.month} ${row.visitor}`, row.humanDays);
    }

    const plan = planChunk(c.partial, stored, humanDays, c.rules, c.gap, c.analysisMs);
    const p = c.partial;
    const watched = Object.entries(p.months).flatMap(([month, m]) =>
      m.watched.map((w) => ({ ...w, month })),
    );
    const writes: D1PreparedStatement[] = [
      checkSiteVersion(db, c.siteId, version),
      bumpSiteVersion(db, c.siteId),
      insertChunk(db, { ...c, lines: p.lines, rejected: p.rejected }),
      ...upsertPanelRows(db, c.siteId, c.runId, plan.panels),
      deleteEmptyPanelRows(db, c.siteId),
      ...upsertVisitorDays(db, c.siteId, plan.visitorDays),
      ...upsertVisitorMonths(db, c.siteId, plan.visitorMonths),
      addDays(db, c.siteId, plan.days),
      addHours(db, c.siteId, plan.hours),
      addMonths(db, c.siteId, c.runId, plan.months),
      ...insertWatchedHits(db, c.siteId, watched),
      addToRun(db, c.runId, {
        lines: p.lines,
        rejected: p.rejected,
        analysisMs: c.analysisMs,
        now: c.now,
      }),
      // Samples belong to a run (rejected_samples has no site column): none for chunks outside one.
      ...(p.samples.length && c.runId > 0
        ? [insertRejectedSamples(db, c.runId, c.source, p.samples)]
        : []),
      clearGuard(db),
    ];
    if (options.failAt !== undefined)
      writes.splice(options.failAt, 0, db.prepare("INSERT INTO guard (ok) VALUES (NULL)"));
    try {
      const done = await db.batch(writes);
      queries += writes.length;
      const rowsWritten = done.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0);
      return {
        status: "applied",
        statements: writes.length,
        queries,
        rowsWritten,
        attempts: attempt,
      };
    } catch (e) {
      queries += writes.length;
      // Another writer committed first (version moved, or the same chunk's receipt landed):
      // read again and decide again. Anything else is a real failure.
      if (
        options.failAt === undefined &&
        (isGuardFailure(e) || String(e).includes("UNIQUE constraint failed: chunks"))
      ) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt, 10)));
        continue;
      }
      throw e;
    }
  }
  throw new SiteBusyError(
    `chunk not applied after ${MAX_ATTEMPTS} attempts: other uploads to this site kept winning; retry later`,
  );
}

async function checkReceipt(
  db: D1Database,
  c: ChunkToApply,
): Promise<
  { status: "new" } | { status: "already-applied" } | { status: "conflict"; message: string }
> {
  const { results } = await findOverlappingChunks(
    db,
    c.siteId,
    c.source,
    c.start,
    c.end,
  ).all<ChunkReceipt>();
  if (results.length === 0) return { status: "new" };
  const same = results.find((r) => r.start === c.start && r.end === c.end);
  if (same && same.sha256 === c.sha256) return { status: "already-applied" };
  if (same)
    return {
      status: "conflict",
      message: `bytes [${c.start}, ${c.end}) of this source were applied with other content (sha-256 ${same.sha256})`,
    };
  const r = results[0];
  return {
    status: "conflict",
    message: `bytes [${c.start}, ${c.end}) overlap the applied chunk [${r.start}, ${r.end}) of this source`,
  };
}
