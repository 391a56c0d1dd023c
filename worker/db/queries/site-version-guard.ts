/**
 * The compare-and-swap that serialises writers of a site: inside a batch, the first statement
 * inserts NULL into a NOT NULL column — aborting the whole batch — unless the site's version is
 * still the one the writer read; the second bumps it. The last statement empties the guard table.
 */
export function checkSiteVersion(
  db: D1Database,
  siteId: number,
  version: number,
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO guard (ok) SELECT CASE WHEN version = ?2 THEN 1 ELSE NULL END FROM sites WHERE id = ?1",
    )
    .bind(siteId, version);
}

export function bumpSiteVersion(db: D1Database, siteId: number): D1PreparedStatement {
  return db.prepare("UPDATE sites SET version = version + 1 WHERE id = ?1").bind(siteId);
}

export function clearGuard(db: D1Database): D1PreparedStatement {
  return db.prepare("DELETE FROM guard");
}

export const isGuardFailure = (e: unknown) =>
  String(e).includes("NOT NULL constraint failed: guard.ok");
