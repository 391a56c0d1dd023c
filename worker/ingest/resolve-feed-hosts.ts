import { insertHostNames, knownHostNames } from "../db/queries/host-names";
import { parseIPv4, parseIPv6 } from "../net/ip";

/** Names resolved per chunk at most: a chunk never waits on DNS, and a run's lookups stay bounded. */
export const MAX_LOOKUPS_PER_CHUNK = 10;

/** The PTR name of an address (`4.3.2.1.in-addr.arpa`, nibbles for IPv6), or null. */
export function ptrName(ip: string): string | null {
  const v4 = parseIPv4(ip);
  if (v4 !== null)
    return `${[v4 & 255, (v4 >>> 8) & 255, (v4 >>> 16) & 255, v4 >>> 24].join(".")}.in-addr.arpa`;
  const v6 = parseIPv6(ip);
  if (!v6) return null;
  return `${v6
    .map((g) => g.toString(16).padStart(4, "0"))
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
  const done = await knownHostNames(db, siteId, [...new Set(feedKeys.values())]);
  const todo: [string, string][] = [];
  for (const [ip, key] of feedKeys)
    if (!done.has(key) && !todo.some(([, k]) => k === key) && todo.length < MAX_LOOKUPS_PER_CHUNK)
      todo.push([ip, key]);
  const rows = await Promise.all(
    todo.map(async ([ip, key]) => [key, await lookupPtr(ip, dohUrl)] as const),
  );
  const resolved = rows.filter((r): r is readonly [string, string | null] => r[1] !== undefined);
  if (resolved.length === 0) return 0;
  await insertHostNames(db, siteId, now, resolved);
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
