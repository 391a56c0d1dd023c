import type { AnalysisPartial } from "../core/partial";
import type { Row } from "../core/panels";
import type { VisitorDay } from "../core/visitor-day";
import { KEY_ALPHABET, keyedBy } from "../core/partial";
import { parseIPv6 } from "../net/ip";
import { sipHash24, sipKey } from "./siphash";

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

const KEY_LABEL = "vigie visitor keys: SipHash-2-4";
const encoder = new TextEncoder();
const derived = new Map<string, Promise<Uint32Array>>();
/** Secrets whose key is kept: a worker serves a handful of sites. */
const MAX_DERIVED = 64;

/**
 * The site's SipHash key: the first 16 bytes of HMAC-SHA-256(secret, KEY_LABEL), derived once
 * per isolate and secret. Keys derived from a secret are as unlinkable to addresses as the secret
 * itself; changing the derivation (or the PRF) changes every stored key from then on.
 */
function siteKey(secret: string): Promise<Uint32Array> {
  let k = derived.get(secret);
  if (k === undefined) {
    if (derived.size >= MAX_DERIVED) derived.clear();
    k = crypto.subtle
      .importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
      .then((key) => crypto.subtle.sign("HMAC", key, encoder.encode(KEY_LABEL)))
      .then((mac) => sipKey(new Uint8Array(mac)))
      .catch((e) => {
        derived.delete(secret);
        throw e;
      });
    derived.set(secret, k);
  }
  return k;
}

let scratch = new Uint8Array(64);
const digest = new Uint32Array(2);

/** SipHash-2-4 of a text's UTF-8 bytes under `key`, into `digest` (high half, low half). */
function hashText(key: Uint32Array, text: string): void {
  const n = text.length;
  if (scratch.length < n) scratch = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      const bytes = encoder.encode(text);
      sipHash24(key, bytes, bytes.length, digest);
      return;
    }
    scratch[i] = c;
  }
  sipHash24(key, scratch, n, digest);
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/** 16 hex digits (64 bits) of the site's keyed hash of each text. */
export async function keyedHashes(secret: string, texts: string[]): Promise<string[]> {
  const key = await siteKey(secret);
  return texts.map((t) => {
    hashText(key, t);
    return hex8(digest[0]) + hex8(digest[1]);
  });
}

/**
 * Visitor keys re-keyed with the site's secret: the first character (6 bits of the address's own
 * hash, which groups an address's visitors in one bucket and says nothing of the address) is
 * kept; the other ten are 60 bits of the keyed hash of the key (SipHash-2-4 under the site's
 * key), so the key stays a visitor key (see visitorKey) that nobody without the secret can link
 * to an address.
 */
async function keyedVisitorKeys(secret: string, keys: string[]): Promise<string[]> {
  const key = await siteKey(secret);
  return keys.map((k) => {
    hashText(key, k);
    const hi = digest[0];
    const lo = digest[1];
    // 60 bits, six at a time: the top 30 of each half.
    return (
      k[0] +
      KEY_ALPHABET[(hi >>> 26) & 63] +
      KEY_ALPHABET[(hi >>> 20) & 63] +
      KEY_ALPHABET[(hi >>> 14) & 63] +
      KEY_ALPHABET[(hi >>> 8) & 63] +
      KEY_ALPHABET[(hi >>> 2) & 63] +
      KEY_ALPHABET[(lo >>> 26) & 63] +
      KEY_ALPHABET[(lo >>> 20) & 63] +
      KEY_ALPHABET[(lo >>> 14) & 63] +
      KEY_ALPHABET[(lo >>> 8) & 63] +
      KEY_ALPHABET[(lo >>> 2) & 63]
    );
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
      const merged = keyedBy<Row>();
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
