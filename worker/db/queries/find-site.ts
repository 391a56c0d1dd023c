import { getTableColumns } from "drizzle-orm";
import { sites } from "../schema";

export type Site = typeof sites.$inferSelect;

// Every request of an agent or a reader looks its site up: the statement is written once, from the
// schema, rather than built by drizzle's query builder at each request (which showed in a chunk's
// CPU profile). Each column is named as the Site type names it.
const SQL = `SELECT ${Object.entries(getTableColumns(sites))
  .map(([field, column]) => `"${column.name}" AS "${field}"`)
  .join(", ")} FROM sites WHERE name = ?`;

export async function findSite(db: D1Database, name: string): Promise<Site | undefined> {
  return (await db.prepare(SQL).bind(name).first<Site>()) ?? undefined;
}
