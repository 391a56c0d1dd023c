/** Names resolved per chunk at most: a chunk never waits on DNS, and a run's lookups stay bounded. */
export const MAX_LOOKUPS_PER_CHUNK = 10;

/** The PTR name of an address (`4.3.2.1.in-addr.arpa`, nibbles for IPv6), or null. */
export function ptrName(ip: string): string | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return `${v4[4]}.${v4[3]}.${v4[2]}.${v4[1]}.in-addr.arpa`;
  if (!ip.includes(":")) return null;
  const [head, tail = ""] = ip.toLowerCase().split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t]
    : h;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return `${groups
    .map((g) => g.padStart(4, "0"))
    .join("")
    .split("")
    .reverse()
    .join(".")}.ip6.arpa`;
}

/** Resolutions started (waitUntil) and not finished yet in this isolate: tests wait for them (feedHostsSettled). */
const pending = new Set<Promise<unknown>>();

/** Runs resolveFeedHosts in the background of a request; its errors are logged, never thrown. */
export function resolveFeedHostsLater(
  db: D1Database,
  siteId: number,
  feedKeys: Map<string, string>,
  dohUrl: string,
  now: number,
): Promise<unknown> {
  const p: Promise<unknown> = resolveFeedHosts(db, siteId, feedKeys, dohUrl, now)
    .catch((e) => console.error("feed host names:", e))
    .finally(() => pending.delete(p));
  pending.add(p);
  return p;
}

/** Resolves once no resolution started by resolveFeedHostsLater is running in this isolate. */
export async function feedHostsSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

interface DnsJson {
  Status: number;
  Answer?: { type: number; data: string }[];
}

/**
 * Resolves the feed-reader addresses not yet named (DNS-over-HTTPS, `accept: application/dns-json`)
 * and caches the names in D1, keyed as the panel stores them. Runs after the chunk is committed
 * (waitUntil): a slow or failing resolver never delays nor fails an ingest.
 */
async function resolveFeedHosts(
  db: D1Database,
  siteId: number,
  feedKeys: Map<string, string>,
  dohUrl: string,
  now: number,
): Promise<number> {
  if (feedKeys.size === 0) return 0;
  const storedKeys = [...new Set(feedKeys.values())];
  const known = await db
    .prepare(
      "SELECT j.value AS address FROM json_each(?2) AS j CROSS JOIN host_names AS h ON h.site_id = ?1 AND h.address = j.value",
    )
    .bind(siteId, JSON.stringify(storedKeys))
    .all<{ address: string }>();
  const done = new Set(known.results.map((r) => r.address));
  const todo: [string, string][] = [];
  for (const [ip, key] of feedKeys)
    if (!done.has(key) && !todo.some(([, k]) => k === key) && todo.length < MAX_LOOKUPS_PER_CHUNK)
      todo.push([ip, key]);
  const rows = await Promise.all(
    todo.map(async ([ip, key]) => [key, await lookupPtr(ip, dohUrl)] as const),
  );
  const resolved = rows.filter(([, name]) => name !== undefined);
  if (resolved.length === 0) return 0;
  await db
    .prepare(`INSERT OR IGNORE INTO host_names (site_id, address, name, resolved_at)
    SELECT ?1, j.value ->> 0, j.value ->> 1, ?2 FROM json_each(?3) AS j`)
    .bind(siteId, now, JSON.stringify(resolved))
    .run();
  return resolved.length;
}

/** The name, null when there is none (NXDOMAIN or no PTR), undefined when the lookup failed (retried later). */
async function lookupPtr(ip: string, dohUrl: string): Promise<string | null | undefined> {
  const name = ptrName(ip);
  if (name === null) return null;
  try {
    const res = await fetch(`${dohUrl}?name=${encodeURIComponent(name)}&type=PTR`, {
      headers: { accept: "application/dns-json" },
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as DnsJson;
    if (body.Status === 3) return null;
    if (body.Status !== 0) return undefined;
    const ptr = body.Answer?.find((a) => a.type === 12);
    return ptr ? ptr.data.replace(/\.$/, "") : null;
  } catch {
    return undefined;
  }
}
