/** Reverse-DNS names of feed readers' addresses, cached per site under the key the panel stores. */

/** Which of `keys` already have a row (a name, or null for "none"). */
export async function knownHostNames(
  db: D1Database,
  siteId: number,
  keys: string[],
): Promise<Set<string>> {
  const r = await db
    .prepare(
      "SELECT j.value AS address FROM json_each(?2) AS j CROSS JOIN host_names AS h ON h.site_id = ?1 AND h.address = j.value",
    )
    .bind(siteId, JSON.stringify(keys))
    .all<{ address: string }>();
  return new Set(r.results.map((x) => x.address));
}

/** Stores [key, name] pairs; a key already named is left as it is. */
export async function insertHostNames(
  db: D1Database,
  siteId: number,
  now: number,
  names: (readonly [string, string | null])[],
): Promise<void> {
  await db
    .prepare(`INSERT OR IGNORE INTO host_names (site_id, address, name, resolved_at)
    SELECT ?1, j.value ->> 0, j.value ->> 1, ?2 FROM json_each(?3) AS j`)
    .bind(siteId, now, JSON.stringify(names))
    .run();
}
