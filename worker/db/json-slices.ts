/**
 * Splits rows into JSON arrays of at most `maxChars` characters each: one statement binds one
 * array and reads it with json_each, and D1 caps a bound value at 2 MB.
 */
export function jsonSlices(rows: unknown[], maxChars = 1_000_000): string[] {
  if (rows.length === 0) return [];
  // Most often all of it fits: one JSON.stringify, no pieces to join.
  const whole = JSON.stringify(rows);
  if (whole.length <= maxChars) return [whole];
  const out: string[] = [];
  let parts: string[] = [];
  let size = 2;
  for (const r of rows) {
    const j = JSON.stringify(r);
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
