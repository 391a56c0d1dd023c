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

export function insertRejectedSamples(
  db: D1Database,
  runId: number,
  source: string,
  samples: { line: number; reason: string; text: string }[],
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO rejected_samples (run_id, source, line, reason, text)
    SELECT ?1, ?2, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?3) AS j`)
    .bind(runId, source, JSON.stringify(samples.map((s) => [s.line, s.reason, s.text])));
}
