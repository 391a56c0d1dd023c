import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { sites } from "../schema";

export type Site = typeof sites.$inferSelect;

export async function findSite(db: D1Database, name: string): Promise<Site | undefined> {
  return drizzle(db).select().from(sites).where(eq(sites.name, name)).get();
}
