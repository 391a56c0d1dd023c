/**
 * SQL literals, for the statements the CLI sends through `wrangler d1 execute`, which binds no
 * parameters. Pure: the site CLI (Node) and the workerd tests that run its statements share it.
 */

/** A value that cannot be written as a literal (the CLI reports the message alone). */
export class SqlLiteralError extends Error {
  override name = "SqlLiteralError";
}

/** A SQL string literal. NUL cannot round-trip through one, so it is refused rather than cut. */
export function sqlString(value: string): string {
  if (value.includes("\0"))
    throw new SqlLiteralError("a SQL string literal cannot hold a NUL character");
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL literal for a value: strings quoted, booleans as 0/1, integers as digits. */
export function sqlValue(value: string | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new SqlLiteralError(`not an integer: ${value}`);
    return String(value);
  }
  return sqlString(value);
}
