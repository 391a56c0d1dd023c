export interface ChunkReceipt {
  start: number;
  end: number;
  sha256: string;
}

/**
 * The receipt of the source that starts last before `end`. Receipts of a source never overlap, so
 * [start, end) overlaps a receipt if and only if it overlaps this one: one row read however many
 * chunks the source has.
 */
export function findLastChunkBefore(
  db: D1Database,
  siteId: number,
  source: string,
  end: number,
): D1PreparedStatement {
  return db
    .prepare(`SELECT start, "end", sha256 FROM chunks WHERE site_id = ?1 AND source = ?2 AND start < ?3
      ORDER BY start DESC LIMIT 1`)
    .bind(siteId, source, end);
}

/** Receipts of the source that end after `from`, in order (chunks of a source never overlap). */
export function listChunks(
  db: D1Database,
  siteId: number,
  source: string,
  from: number,
  limit: number,
): D1PreparedStatement {
  // The last receipt starting at or before `from` may end after it; every later one does.
  return db
    .prepare(`SELECT start, "end", sha256 FROM chunks WHERE site_id = ?1 AND source = ?2 AND start >= COALESCE(
        (SELECT start FROM chunks WHERE site_id = ?1 AND source = ?2 AND start <= ?3 ORDER BY start DESC LIMIT 1), 0)
      AND "end" > ?3 ORDER BY start LIMIT ?4`)
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

/** The receipt's primary key collided: the same chunk landed meanwhile (another writer). */
export const isReceiptCollision = (e: unknown) =>
  (e instanceof Error ? e.message : String(e)).includes("UNIQUE constraint failed: chunks");
