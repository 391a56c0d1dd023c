import type { AnalysisPartial } from "../core/partial";
import type { RobotRules } from "../core/visitor-day";
import type { ChunkReceipt } from "../db/queries/chunk-receipts";
import type { SketchRow } from "../db/queries/sketches";
import type { SiteState } from "../db/queries/site-version-guard";
import type { YearFiguresRow } from "../db/queries/year-figures";
import type { TailDbRow } from "../db/queries/panel-store";
import type { ChunkPlan, Stored } from "./plan-chunk";
import type { Lifecycle } from "./periods";
import { addDays, readExistingDays } from "../db/queries/add-days";
import { addHours } from "../db/queries/add-hours";
import { addMonths, readSealedMonths } from "../db/queries/add-months";
import { findLastChunkBefore, insertChunk, isReceiptCollision } from "../db/queries/chunk-receipts";
import {
  dayBucketRead,
  deleteDayBucketsBefore,
  readDayBuckets,
  writeDayBuckets,
} from "../db/queries/day-buckets";
import { insertWatchedHits } from "../db/queries/insert-watched-hits";
import {
  monthBucketRead,
  readMonthBuckets,
  readMonthVisitors,
  sealMonthsBefore,
  writeMonthBuckets,
} from "../db/queries/month-buckets";
import {
  deleteTails,
  headRecords,
  readHeads,
  readTails,
  writeHeads,
  writeTails,
} from "../db/queries/panel-store";
import { addToRun, findRun, insertRejectedSamples } from "../db/queries/runs";
import {
  bumpSiteVersion,
  checkSiteVersion,
  clearGuard,
  failingStatement,
  isGuardFailure,
  readSiteState,
  writeSiteClock,
} from "../db/queries/site-version-guard";
import { readYearSketches, writeSketches } from "../db/queries/sketches";
import { readYearFigures, writeYearFigures } from "../db/queries/year-figures";
import { DayBucket } from "./day-records";
import { MonthBucket } from "./month-set";
import { entryReads, lostVisitorReads, planChunk, planVisitorDays, readsOf } from "./plan-chunk";

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
  lifecycle: Lifecycle;
  gap: number;
  /** The worker's clock, epoch seconds. */
  now: number;
}

/** What a chunk cost in D1: statements run, rows read and written (D1's own counts). */
export interface ChunkCost {
  queries: number;
  rowsRead: number;
  rowsWritten: number;
}

export type ApplyOutcome =
  | {
      status: "applied";
      statements: number;
      cost: ChunkCost;
      attempts: number;
      late: ChunkPlan["late"];
    }
  | { status: "already-applied"; cost: ChunkCost }
  | { status: "no-run"; cost: ChunkCost }
  | { status: "conflict"; message: string; cost: ChunkCost };

/** Test hook: a statement that fails, inserted at this index of the batch (to prove atomicity). */
export interface ApplyOptions {
  failAt?: number;
}

/** Attempts before answering 503 (the agent retries later); with jittered backoff between them. */
const MAX_ATTEMPTS = 30;

export class SiteBusyError extends Error {}

const tab = (...parts: (string | number)[]) => parts.join("\t");

/**
 * Applies a chunk exactly once: its receipt and all its counters commit in one D1 batch (a
 * transaction), guarded by the site's version so that two writers never interleave a
 * read-merge-write. A repeat of an applied chunk changes nothing; an overlap is refused.
 * Reads and writes depend on the chunk's own keys and period, never on the site's age.
 */
export async function applyChunk(
  db: D1Database,
  c: ChunkToApply,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const cost: ChunkCost = { queries: 0, rowsRead: 0, rowsWritten: 0 };
  const count = (results: D1Result[]) => {
    cost.queries += results.length;
    for (const r of results) {
      cost.rowsRead += r.meta?.rows_read ?? 0;
      cost.rowsWritten += r.meta?.rows_written ?? 0;
    }
  };
  const today = new Date(c.now * 1000).toISOString().slice(0, 10);
  const want = readsOf(c.partial);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // The upload run (a chunk outside any run counts under run 0, which has no row), the receipt,
    // the site's version and clock, and the stored state the chunk touches: one batch.
    const results = await db.batch([
      findRun(db, c.siteId, c.runId),
      findLastChunkBefore(db, c.siteId, c.source, c.end),
      readSiteState(db, c.siteId),
      readDayBuckets(db, c.siteId, want.dayBuckets),
      readMonthBuckets(db, c.siteId, want.monthBuckets),
      readHeads(db, c.siteId, want.heads),
      readSealedMonths(db, c.siteId, want.months),
      readYearSketches(db, c.siteId, want.years),
      readYearFigures(db, c.siteId, want.years),
      readExistingDays(db, c.siteId, want.dates),
      ...readTails(db, c.siteId, want.tails),
    ]);
    count(results);
    const [
      runRead,
      receiptRead,
      siteRead,
      days,
      months,
      heads,
      sealed,
      sketches,
      years,
      existing,
      ...tails
    ] = results;
    if (c.runId !== 0 && runRead.results.length === 0) return { status: "no-run", cost };
    const receipt = checkReceipt(receiptRead.results[0] as ChunkReceipt | undefined, c);
    if (receipt.status !== "new") return { ...receipt, cost };
    const site = siteRead.results[0] as SiteState;
    const stored: Stored = {
      dayBuckets: new Map(
        (days.results as Parameters<typeof dayBucketRead>[0][]).map((row) => {
          const r = dayBucketRead(row);
          return [tab(r.date, r.bucket), new DayBucket(r.records)];
        }),
      ),
      monthBuckets: new Map(
        (months.results as Parameters<typeof monthBucketRead>[0][]).map((row) => {
          const r = monthBucketRead(row);
          return [tab(r.month, r.bucket), new MonthBucket(new Map(r.visitors), new Map(r.hosts))];
        }),
      ),
      heads: new Map(headRecords(heads.results).map((h) => [tab(h.period, h.panel), h.head])),
      tails: new Map(),
      sealed: new Set((sealed.results as { month: string }[]).map((r) => r.month)),
      sketches: new Map((sketches.results as SketchRow[]).map((r) => [r.month, r.registers])),
      yearBase: new Map((years.results as YearFiguresRow[]).map((r) => [r.year, r.baseVisitors])),
      existingDays: new Set((existing.results as { date: string }[]).map((r) => r.date)),
    };
    const addTails = (rs: D1Result[]) => {
      for (const r of rs)
        for (const t of r.results as TailDbRow[])
          stored.tails.set(tab(t.period, t.panel, t.key), t);
    };
    addTails(tails);

    const visitorDays = planVisitorDays(
      c.partial,
      stored,
      site,
      c.lifecycle,
      c.rules,
      c.gap,
      today,
    );
    // Entry pages are known once the visitor-days are merged, and so are the month buckets a
    // visitor leaves: their tail rows, and those buckets' whole sets, second.
    const entries = entryReads(visitorDays.work, stored);
    const lost = lostVisitorReads(visitorDays.work, stored);
    if (entries.length > 0 || lost.length > 0) {
      const more = await db.batch([
        ...(lost.length > 0 ? [readMonthVisitors(db, c.siteId, lost)] : []),
        ...readTails(db, c.siteId, entries),
      ]);
      count(more);
      if (lost.length > 0) {
        for (const r of more.shift()!.results as {
          month: string;
          bucket: number;
          visitors: string;
        }[])
          stored.monthBuckets.get(tab(r.month, r.bucket))!.allVisitors = new Map(
            Object.entries(JSON.parse(r.visitors) as Record<string, number>),
          );
      }
      addTails(more);
    }
    const plan = planChunk(
      c.partial,
      stored,
      site,
      c.lifecycle,
      c.rules,
      c.gap,
      c.runId,
      c.analysisMs,
      today,
      visitorDays,
    );
    const writes = writesOf(db, c, site.version, plan);
    if (options.failAt !== undefined) writes.splice(options.failAt, 0, failingStatement(db));
    try {
      const done = await db.batch(writes);
      count(done);
      return {
        status: "applied",
        statements: writes.length,
        cost,
        attempts: attempt,
        late: plan.late,
      };
    } catch (e) {
      cost.queries += writes.length;
      // Another writer committed first (version moved, or the same chunk's receipt landed):
      // read again and decide again. Anything else is a real failure.
      if (options.failAt === undefined && (isGuardFailure(e) || isReceiptCollision(e))) {
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

function writesOf(
  db: D1Database,
  c: ChunkToApply,
  version: number,
  plan: ChunkPlan,
): D1PreparedStatement[] {
  const p = c.partial;
  const watched = Object.entries(p.months).flatMap(([month, m]) =>
    m.watched.map((w) => ({ ...w, month })),
  );
  return [
    checkSiteVersion(db, c.siteId, version),
    bumpSiteVersion(db, c.siteId),
    writeSiteClock(db, c.siteId, {
      clock: plan.clock,
      firstDate: plan.firstDate,
      lastUpdate: c.now,
    }),
    insertChunk(db, { ...c, lines: p.lines, rejected: p.rejected }),
    ...writeHeads(db, c.siteId, plan.heads),
    ...writeTails(db, c.siteId, plan.tailWrites),
    ...deleteTails(db, c.siteId, plan.tailDeletes),
    ...writeDayBuckets(db, c.siteId, plan.dayBuckets),
    ...writeMonthBuckets(db, c.siteId, plan.monthBuckets),
    ...writeSketches(db, c.siteId, plan.sketches),
    addDays(db, c.siteId, plan.days),
    addHours(db, c.siteId, plan.hours),
    addMonths(db, c.siteId, c.runId, plan.months),
    writeYearFigures(db, c.siteId, plan.years),
    ...(plan.closeBefore === null ? [] : [deleteDayBucketsBefore(db, c.siteId, plan.closeBefore)]),
    ...(plan.sealBefore === null ? [] : sealMonthsBefore(db, c.siteId, plan.sealBefore)),
    ...insertWatchedHits(db, c.siteId, watched),
    addToRun(db, c.runId, {
      lines: p.lines,
      rejected: p.rejected,
      analysisMs: c.analysisMs,
      now: c.now,
    }),
    ...(p.samples.length
      ? insertRejectedSamples(db, c.siteId, c.runId, c.source, c.now, p.samples)
      : []),
    clearGuard(db),
  ];
}

function checkReceipt(
  last: ChunkReceipt | undefined,
  c: ChunkToApply,
): { status: "new" } | { status: "already-applied" } | { status: "conflict"; message: string } {
  if (last === undefined || last.end <= c.start) return { status: "new" };
  if (last.start === c.start && last.end === c.end) {
    if (last.sha256 === c.sha256) return { status: "already-applied" };
    return {
      status: "conflict",
      message: `bytes [${c.start}, ${c.end}) of this source were applied with other content (sha-256 ${last.sha256})`,
    };
  }
  return {
    status: "conflict",
    message: `bytes [${c.start}, ${c.end}) overlap the applied chunk [${last.start}, ${last.end}) of this source`,
  };
}
