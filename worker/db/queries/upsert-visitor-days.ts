import { jsonSlices } from "../json-slices";

/** Row: [date, visitor, countersJson, spansJson] — the merged record replaces the stored one. */
export type VisitorDayRow = [string, string, string, string];

// CROSS JOIN pins json_each as the outer loop (SQLite keeps that order), so each key is one
// primary-key lookup; a plain JOIN let the planner scan the whole table once per key.
export function readVisitorDays(
  db: D1Database,
  siteId: number,
  keys: [string, string][],
): D1PreparedStatement[] {
  return jsonSlices(keys).map((json) =>
    db
      .prepare(`
    SELECT v.date AS date, v.visitor AS visitor, v.counters AS counters, v.spans AS spans
    FROM json_each(?2) AS j CROSS JOIN visitor_days AS v
      ON v.site_id = ?1 AND v.date = j.value ->> 0 AND v.visitor = j.value ->> 1`)
      .bind(siteId, json),
  );
}

export function upsertVisitorDays(
  db: D1Database,
  siteId: number,
  rows: VisitorDayRow[],
): D1PreparedStatement[] {
  return jsonSlices(rows).map((json) =>
    db
      .prepare(`
    INSERT INTO visitor_days (site_id, date, visitor, counters, spans)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?2) AS j WHERE true
    ON CONFLICT (site_id, date, visitor) DO UPDATE SET counters = excluded.counters, spans = excluded.spans`)
      .bind(siteId, json),
  );
}
