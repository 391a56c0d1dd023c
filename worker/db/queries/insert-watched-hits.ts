import type { WatchedHit } from "../../core/partial";
import { jsonSlices } from "../json-slices";

export function insertWatchedHits(
  db: D1Database,
  siteId: number,
  rows: (WatchedHit & { month: string })[],
): D1PreparedStatement[] {
  const tuples = rows.map((w) => [
    w.month,
    w.at,
    w.address,
    w.agent,
    w.method,
    w.url,
    w.status,
    w.bytes,
    w.referer,
  ]);
  return jsonSlices(tuples).map((json) =>
    db
      .prepare(`
    INSERT INTO watched_hits (site_id, month, at, address, agent, method, url, status, bytes, referer)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8
    FROM json_each(?2) AS j`)
      .bind(siteId, json),
  );
}
