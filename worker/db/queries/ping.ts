/** Whether D1 answers a trivial query (GET /healthz). */
export async function ping(db: D1Database): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS ok").first<{ ok: number }>();
  return row?.ok === 1;
}
