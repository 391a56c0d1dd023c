import type { BehaviourTotals } from "../../core/report";

/**
 * A chunk's change to a month's figures (`lateLines`: lines of days already closed; `behaviour`:
 * what robots found by their behaviour put in the human panels).
 */
export interface MonthDelta {
  month: string;
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
  rejected: number;
  lines: number;
  analysisMs: number;
  lateLines: number;
  behaviour: BehaviourTotals;
}

/** Adds the deltas; every month a chunk touches gets a new version (its cached pages are stale). */
export function addMonths(
  db: D1Database,
  siteId: number,
  runId: number,
  rows: MonthDelta[],
): D1PreparedStatement {
  const data = rows.map((m) => [
    m.month,
    m.hits,
    m.pages,
    m.bytes,
    m.visits,
    m.visitors,
    m.robotHits,
    m.rejected,
    m.lines,
    m.analysisMs,
    m.lateLines,
    m.behaviour.hits,
    m.behaviour.pages,
    m.behaviour.refHits,
    m.behaviour.searchHits,
    m.behaviour.imageHits,
    m.behaviour.downloadHits,
  ]);
  return db
    .prepare(`
    INSERT INTO months (site_id, month, hits, pages, bytes, visits, visitors, robot_hits, rejected, lines, analysis_ms, late_lines,
      behaviour_hits, behaviour_pages, behaviour_ref_hits, behaviour_search_hits, behaviour_image_hits, behaviour_download_hits,
      last_run_id, version)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
      j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, j.value ->> 12, j.value ->> 13,
      j.value ->> 14, j.value ->> 15, j.value ->> 16, ?2, 1
    FROM json_each(?3) AS j WHERE true
    ON CONFLICT (site_id, month) DO UPDATE SET
      hits = months.hits + excluded.hits, pages = months.pages + excluded.pages, bytes = months.bytes + excluded.bytes,
      visits = months.visits + excluded.visits, visitors = months.visitors + excluded.visitors,
      robot_hits = months.robot_hits + excluded.robot_hits, rejected = months.rejected + excluded.rejected,
      lines = months.lines + excluded.lines, analysis_ms = months.analysis_ms + excluded.analysis_ms,
      late_lines = months.late_lines + excluded.late_lines,
      behaviour_hits = months.behaviour_hits + excluded.behaviour_hits,
      behaviour_pages = months.behaviour_pages + excluded.behaviour_pages,
      behaviour_ref_hits = months.behaviour_ref_hits + excluded.behaviour_ref_hits,
      behaviour_search_hits = months.behaviour_search_hits + excluded.behaviour_search_hits,
      behaviour_image_hits = months.behaviour_image_hits + excluded.behaviour_image_hits,
      behaviour_download_hits = months.behaviour_download_hits + excluded.behaviour_download_hits,
      last_run_id = excluded.last_run_id, version = months.version + 1`)
    .bind(siteId, runId, JSON.stringify(data));
}

/** Whether each of the given months is sealed (months without a row are not). */
export function readSealedMonths(
  db: D1Database,
  siteId: number,
  months: string[],
): D1PreparedStatement {
  return db
    .prepare(`SELECT m.month AS month FROM json_each(?2) AS j CROSS JOIN months AS m
      ON m.site_id = ?1 AND m.month = j.value WHERE m.sealed = 1`)
    .bind(siteId, JSON.stringify(months));
}
