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

/** What a writer reads of its site before it plans: the version it will swap, and the clock. */
export interface SiteState {
  version: number;
  clock: string | null;
  firstDate: string | null;
}

export function readSiteState(db: D1Database, siteId: number): D1PreparedStatement {
  return db
    .prepare("SELECT version, clock, first_date AS firstDate FROM sites WHERE id = ?1")
    .bind(siteId);
}

/** Moves the site's clock, first day with data and last update (in the chunk's batch). */
export function writeSiteClock(
  db: D1Database,
  siteId: number,
  s: { clock: string | null; firstDate: string | null; lastUpdate: number },
): D1PreparedStatement {
  return db
    .prepare("UPDATE sites SET clock = ?2, first_date = ?3, last_update = ?4 WHERE id = ?1")
    .bind(siteId, s.clock, s.firstDate, s.lastUpdate);
}

/** D1 reports a failed statement of a batch as an Error whose message carries SQLite's. */
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The guard's NOT NULL failed: another writer committed since this one read. */
export const isGuardFailure = (e: unknown) =>
  messageOf(e).includes("NOT NULL constraint failed: guard.ok");

/** A statement that always aborts its batch (tests of a batch's atomicity). */
export function failingStatement(db: D1Database): D1PreparedStatement {
  return db.prepare("INSERT INTO guard (ok) VALUES (NULL)");
}
