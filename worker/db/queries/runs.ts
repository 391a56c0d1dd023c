export function createRun(db: D1Database, siteId: number, now: number): D1PreparedStatement {
  return db
    .prepare("INSERT INTO runs (site_id, started_at) VALUES (?1, ?2) RETURNING id")
    .bind(siteId, now);
}

export function findRun(db: D1Database, siteId: number, runId: number): D1PreparedStatement {
  return db
    .prepare("SELECT id, ended_at AS endedAt FROM runs WHERE id = ?2 AND site_id = ?1")
    .bind(siteId, runId);
}

export function addToRun(
  db: D1Database,
  runId: number,
  r: { lines: number; rejected: number; analysisMs: number; now: number },
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE runs SET chunks = chunks + 1, lines = lines + ?2, rejected = rejected + ?3, analysis_ms = analysis_ms + ?4, ended_at = ?5 WHERE id = ?1",
    )
    .bind(runId, r.lines, r.rejected, r.analysisMs, r.now);
}

export function endRun(
  db: D1Database,
  siteId: number,
  runId: number,
  now: number,
): D1PreparedStatement {
  return db
    .prepare("UPDATE runs SET ended_at = ?3 WHERE id = ?2 AND site_id = ?1")
    .bind(siteId, runId, now);
}

/** Samples kept a month: the latest ones. */
export const SAMPLES_PER_MONTH = 20;

/** A chunk's rejected-line samples, then its months' oldest beyond SAMPLES_PER_MONTH dropped. */
export function insertRejectedSamples(
  db: D1Database,
  siteId: number,
  runId: number,
  source: string,
  now: number,
  samples: { line: number; reason: string; text: string; month: string | null }[],
): D1PreparedStatement[] {
  const months = [...new Set(samples.map((s) => s.month ?? ""))];
  return [
    db
      .prepare(`INSERT INTO rejected_samples (site_id, run_id, source, at, line, reason, text, month)
      SELECT ?1, ?2, ?3, ?4, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?5) AS j`)
      .bind(
        siteId,
        runId,
        source,
        now,
        JSON.stringify(samples.map((s) => [s.line, s.reason, s.text, s.month ?? ""])),
      ),
    db
      .prepare(`DELETE FROM rejected_samples WHERE rowid IN (
        SELECT rowid FROM (
          SELECT rowid, ROW_NUMBER() OVER (PARTITION BY month ORDER BY at DESC, rowid DESC) AS n
          FROM rejected_samples WHERE site_id = ?1 AND month IN (SELECT value FROM json_each(?2))
        ) WHERE n > ?3)`)
      .bind(siteId, JSON.stringify(months), SAMPLES_PER_MONTH),
  ];
}
