import { jsonSlices } from "../json-slices";

export interface SketchRow {
  month: string;
  registers: string;
}

/** The sketches of every month of the given years. */
export function readYearSketches(
  db: D1Database,
  siteId: number,
  years: string[],
): D1PreparedStatement {
  return db
    .prepare(`SELECT s.month AS month, s.registers AS registers
      FROM json_each(?2) AS j CROSS JOIN sketches AS s
      ON s.site_id = ?1 AND s.month >= (j.value || '-01') AND s.month <= (j.value || '-12')`)
    .bind(siteId, JSON.stringify(years));
}

export function writeSketches(
  db: D1Database,
  siteId: number,
  rows: SketchRow[],
): D1PreparedStatement[] {
  return jsonSlices(rows.map((r) => [r.month, r.registers])).map((json) =>
    db
      .prepare(`INSERT INTO sketches (site_id, month, registers)
        SELECT ?1, j.value ->> 0, j.value ->> 1 FROM json_each(?2) AS j WHERE true
        ON CONFLICT (site_id, month) DO UPDATE SET registers = excluded.registers`)
      .bind(siteId, json),
  );
}
