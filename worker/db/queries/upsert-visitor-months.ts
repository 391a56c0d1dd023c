import { jsonSlices } from "../json-slices";

/** Row: [month, visitor, humanDays] — the new count replaces the stored one. */
export type VisitorMonthRow = [string, string, number];

// CROSS JOIN pins json_each as the outer loop (SQLite keeps that order), so each key is one
// primary-key lookup; a plain JOIN let the planner scan the whole table once per key.
export function readVisitorMonths(
  db: D1Database,
  siteId: number,
  keys: [string, string][],
): D1PreparedStatement[] {
  return jsonSlices(keys).map((json) =>
    db
      .prepare(`
    SELECT v.month AS month, v.visitor AS visitor, v.human_days AS humanDays
    FROM json_each(?2) AS j CROSS JOIN visitor_months AS v
      ON v.site_id = ?1 AND v.month = j.value ->> 0 AND v.visitor = j.value ->> 1`)
      .bind(siteId, json),
  );
}

export function upsertVisitorMonths(
  db: D1Database,
  siteId: number,
  rows: VisitorMonthRow[],
): D1PreparedStatement[] {
  return jsonSlices(rows).map((json) =>
    db
      .prepare(`
    INSERT INTO visitor_months (site_id, month, visitor, human_days)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j WHERE true
    ON CONFLICT (site_id, month, visitor) DO UPDATE SET human_days = excluded.human_days`)
      .bind(siteId, json),
  );
}
