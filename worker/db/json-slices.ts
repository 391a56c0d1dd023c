/**
 * Splits rows into JSON arrays of at most `maxChars` characters each: one statement binds one
 * array and reads it with json_each, and D1 caps a bound value at 2 MB.
 */
export function jsonSlices(rows: unknown[], maxChars = 1_000_000): string[] {
  if (rows.length === 0) return [];
  // Most often all of it fits: one JSON.stringify, no pieces to join.
  const whole = JSON.stringify(rows);
  if (whole.length <= maxChars) return [whole];
  return jsonTextSlices(
    rows.map((r) => JSON.stringify(r)),
    maxChars,
  );
}

/**
 * jsonSlices for rows already serialised (each a JSON text): for rows holding objects keyed by
 * hashes, which are written as text straight from Maps rather than built as objects first (see
 * db/queries/json-members.ts).
 */
export function jsonTextSlices(rows: string[], maxChars = 1_000_000): string[] {
  const out: string[] = [];
  let parts: string[] = [];
  let size = 2;
  for (const j of rows) {
    if (parts.length > 0 && size + j.length + 1 > maxChars) {
      out.push(`[${parts.join(",")}]`);
      parts = [];
      size = 2;
    }
    parts.push(j);
    size += j.length + 1;
  }
  if (parts.length > 0) out.push(`[${parts.join(",")}]`);
  return out;
}

/** The JSON text of an object given as [key, value] pairs; with `nested`, values are pairs too. */
export function objectText(pairs: Iterable<[string, unknown]>, nested = false): string {
  const members: string[] = [];
  for (const [k, v] of pairs)
    members.push(
      `${JSON.stringify(k)}:${nested ? objectText(v as Iterable<[string, unknown]>) : JSON.stringify(v)}`,
    );
  return `{${members.join(",")}}`;
}
