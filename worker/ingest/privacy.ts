import type { AnalysisPartial } from "../core/partial";
import type { Row } from "../core/panels";
import type { VisitorDay } from "../core/visitor-day";
import { KEY_ALPHABET } from "../core/partial";
import { parseIPv6 } from "../net/ip";

export type Privacy = "full" | "truncate" | "hash";

/** IPv4 → its /24, IPv6 (a zone id dropped) → its /48, in CIDR form; null for anything else (a hostname). */
export function truncateAddress(ip: string): string | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const v6 = parseIPv6(ip.split("%")[0]);
  if (!v6) return null;
  return `${v6
    .slice(0, 3)
    .map((g) => g.toString(16))
    .join(":")}::/48`;
}

/** First 16 hex digits of HMAC-SHA-256(secret, text) for each text. */
export async function keyedHashes(secret: string, texts: string[]): Promise<string[]> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const enc = new TextEncoder();
  const sigs = await Promise.all(texts.map((t) => crypto.subtle.sign("HMAC", key, enc.encode(t))));
  return sigs.map((s) =>
    [...new Uint8Array(s, 0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(""),
  );
}

/**
 * Visitor keys re-keyed with the site's secret: the first character (6 bits of the address's own
 * hash, which groups an address's visitors in one bucket and says nothing of the address) is
 * kept; the other ten are 60 bits of HMAC-SHA-256(secret, key), so the key stays a visitor key
 * (see visitorKey) that nobody without the secret can link to an address.
 */
async function keyedVisitorKeys(secret: string, keys: string[]): Promise<string[]> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const enc = new TextEncoder();
  const sigs = await Promise.all(keys.map((k) => crypto.subtle.sign("HMAC", key, enc.encode(k))));
  return sigs.map((s, i) => {
    const b = new Uint8Array(s, 0, 8);
    let out = keys[i][0];
    // 60 bits, six at a time, from the first 8 bytes.
    const hi = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    const lo = (b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7];
    for (let j = 0; j < 5; j++) out += KEY_ALPHABET[(hi >>> (26 - 6 * j)) & 63];
    for (let j = 0; j < 5; j++) out += KEY_ALPHABET[(lo >>> (26 - 6 * j)) & 63];
    return out;
  });
}

/** Panels keyed by a client address. */
const ADDRESS_PANELS = ["feed-hosts", "hosts"] as const;

/**
 * Applies a site's privacy setting to a chunk's partial before it is stored: with "truncate" or
 * "hash", visitor keys are re-keyed with the site's secret (the bare 64-bit hash of address and
 * agent could be brute-forced over IPv4), and the addresses of the feed-hosts and hosts panels
 * become their /24 or /48, or
 * a keyed hash. Watched visitors are kept whole: watching is the owner's explicit choice.
 * Returns the stored key of each feed-host address (to resolve its name before it is lost).
 */
export async function applyPrivacy(
  p: AnalysisPartial,
  mode: Privacy,
  secret: string,
): Promise<Map<string, string>> {
  const feedKeys = new Map<string, string>();
  for (const m of Object.values(p.months))
    for (const ip of Object.keys(m.panels["feed-hosts"] ?? {})) feedKeys.set(ip, ip);
  if (mode === "full") return feedKeys;

  // Every address a panel keys by (feed hosts, hosts): its /24 or /48, or a keyed hash.
  const keyOf = new Map<string, string>();
  for (const m of Object.values(p.months))
    for (const panel of ADDRESS_PANELS)
      for (const ip of Object.keys(m.panels[panel] ?? {})) keyOf.set(ip, ip);
  const addresses = [...keyOf.keys()];
  const hashed =
    mode === "hash" || addresses.some((a) => truncateAddress(a) === null)
      ? await keyedHashes(secret, addresses)
      : [];
  addresses.forEach((ip, i) => {
    keyOf.set(ip, (mode === "truncate" && truncateAddress(ip)) || `#${hashed[i]}`);
  });
  for (const ip of feedKeys.keys()) feedKeys.set(ip, keyOf.get(ip)!);

  for (const m of Object.values(p.months)) {
    for (const panel of ADDRESS_PANELS) {
      const rows = m.panels[panel];
      if (!rows) continue;
      const merged: Record<string, Row> = {};
      for (const [ip, r] of Object.entries(rows)) {
        const k = keyOf.get(ip)!;
        const t = merged[k];
        if (!t) merged[k] = [...r] as Row;
        else {
          t[0] += r[0];
          t[1] += r[1];
          t[2] += r[2];
          t[3] = Math.max(t[3], r[3]);
        }
      }
      m.panels[panel] = merged;
    }
    const entries = [...m.visitorDays];
    const rekeyed = await keyedVisitorKeys(
      secret,
      entries.map(([k]) => k.slice(11)),
    );
    // The address keys too: a bare hash of an address could be inverted over IPv4.
    const addrs = [...new Set(entries.map(([, v]) => v.addr))];
    const keyedAddrs = new Map(
      (
        await keyedVisitorKeys(
          secret,
          addrs.map((a) => `@${a}`),
        )
      ).map((k, i) => [addrs[i], addrs[i][0] + k.slice(1)]),
    );
    for (const [, v] of entries) v.addr = keyedAddrs.get(v.addr)!;
    m.visitorDays = new Map<string, VisitorDay>(
      entries.map(([k, v], i) => [`${k.slice(0, 10)} ${rekeyed[i]}`, v]),
    );
  }
  return feedKeys;
}
