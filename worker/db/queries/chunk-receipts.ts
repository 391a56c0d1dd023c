export interface ChunkReceipt {
  start: number;
  end: number;
  sha256: string;
}

/** Receipts of the source that overlap [start, end). */
export function findOverlappingChunks(
  db: D1Database,
  siteId: number,
  source: string,
  start: number,
  end: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT start, "end", sha256 FROM chunks WHERE site_id = ?1 AND source = ?2 AND start < ?4 AND "end" > ?3 LIMIT 5`,
    )
    .bind(siteId, source, start, end);
}

/** Receipts of the source that end after `from`, in order (chunks of a source never overlap). */
export function listChunks(
  db: D1Database,
  siteId: number,
  source: string,
  from: number,
  limit: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT start, "end", sha256 FROM chunks WHERE site_id = ?1 AND source = ?2 AND "end" > ?3 ORDER BY start LIMIT ?4`,
    )
    .bind(siteId, source, from, limit);
}

export function insertChunk(
  db: D1Database,
  r: {
    siteId: number;
    source: string;
    start: number;
    end: number;
    sha256: string;
    runId: number;
    lines: number;
    rejected: number;
    now: number;
  },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO chunks (site_id, source, start, "end", sha256, run_id, lines, rejected, applied_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
    )
    .bind(r.siteId, r.source, r.start, r.end, r.sha256, r.runId, r.lines, r.rejected, r.now);
}
