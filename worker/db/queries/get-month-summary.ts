export interface MonthSummary {
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
  rejected: number;
  days: {
    date: string;
    hits: number;
    pages: number;
    bytes: number;
    visits: number;
    visitors: number;
  }[];
}

/** The summary JSON of the public contract: the month row and its days (two queries, one batch). */
export async function getMonthSummary(
  db: D1Database,
  siteId: number,
  month: string,
): Promise<MonthSummary> {
  const [m, d] = await db.batch([
    db
      .prepare(
        `SELECT hits, pages, bytes, visits, visitors, robot_hits AS robotHits, rejected FROM months WHERE site_id = ?1 AND month = ?2`,
      )
      .bind(siteId, month),
    db
      .prepare(
        `SELECT date, hits, pages, bytes, visits, visitors FROM days WHERE site_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`,
      )
      .bind(siteId, `${month}-01`, `${month}-32`),
  ]);
  const row = (m.results[0] as Omit<MonthSummary, "days"> | undefined) ?? {
    hits: 0,
    pages: 0,
    bytes: 0,
    visits: 0,
    visitors: 0,
    robotHits: 0,
    rejected: 0,
  };
  return { ...row, days: d.results as MonthSummary["days"] };
}

export async function latestMonth(db: D1Database, siteId: number): Promise<string | null> {
  const r = await db
    .prepare("SELECT month FROM months WHERE site_id = ?1 ORDER BY month DESC LIMIT 1")
    .bind(siteId)
    .first<{ month: string }>();
  return r?.month ?? null;
}
