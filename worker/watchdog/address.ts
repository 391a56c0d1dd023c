/**
 * Which addresses a DNS record may point at: global unicast only. Private, CGNAT, loopback,
 * link-local, ULA, documentation, benchmarking, multicast and reserved ranges are refused (inadyn's
 * `verify-address`; OPNsense once pushed 192.168.x to a provider). Pure: parses text, no runtime APIs.
 */
import { parseIPv4, parseIPv6 } from "../net/ip";

export type AddressCheck =
  | { ok: true; family: 4 | 6; address: string }
  | { ok: false; reason: "invalid" | "not-public"; message: string };

const V4_REFUSED: [number, number, string][] = [
  [0x00000000, 8, '"this network" (0.0.0.0/8)'],
  [0x0a000000, 8, "private (10.0.0.0/8)"],
  [0x64400000, 10, "CGNAT shared (100.64.0.0/10)"],
  [0x7f000000, 8, "loopback (127.0.0.0/8)"],
  [0xa9fe0000, 16, "link-local (169.254.0.0/16)"],
  [0xac100000, 12, "private (172.16.0.0/12)"],
  [0xc0000000, 24, "IETF protocol assignments (192.0.0.0/24)"],
  [0xc0000200, 24, "documentation (192.0.2.0/24)"],
  [0xc0586300, 24, "deprecated 6to4 relay anycast (192.88.99.0/24)"],
  [0xc0a80000, 16, "private (192.168.0.0/16)"],
  [0xc6120000, 15, "benchmarking (198.18.0.0/15)"],
  [0xc6336400, 24, "documentation (198.51.100.0/24)"],
  [0xcb007100, 24, "documentation (203.0.113.0/24)"],
  [0xe0000000, 4, "multicast (224.0.0.0/4)"],
  [0xf0000000, 4, "reserved (240.0.0.0/4)"],
];

/** Inside 2000::/3 (global unicast), these are still not an address for a public record. */
const V6_REFUSED_GLOBAL: [number[], number, string][] = [
  [[0x2001, 0x0db8], 32, "documentation (2001:db8::/32)"],
  [[0x3fff], 20, "documentation (3fff::/20)"],
  [[0x2001], 23, "IETF protocol assignments (2001::/23: Teredo, benchmarking, ORCHID)"],
];

/** RFC 5952 text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function formatIPv6(g: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

const formatIPv4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** The canonical text of an address (so that "2a01:0e0a::0001" and "2a01:e0a::1" compare equal), or null. */
export function canonicalAddress(text: string): string | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return formatIPv4(v4);
  const v6 = parseIPv6(text);
  return v6 ? formatIPv6(v6) : null;
}

const inV4 = (n: number, base: number, bits: number) =>
  bits === 0 || n >>> (32 - bits) === base >>> (32 - bits);

function inV6(g: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i * 16 < bits; i++) {
    const take = Math.min(16, bits - i * 16);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((g[i] & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function v6Category(g: number[]): string {
  if (g.every((x) => x === 0)) return "unspecified (::)";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback (::1)";
  if (inV6(g, [0, 0, 0, 0, 0, 0xffff], 96)) return "IPv4-mapped (::ffff:0:0/96)";
  if (inV6(g, [0xfc00], 7)) return "unique local (fc00::/7)";
  if (inV6(g, [0xfe80], 10)) return "link-local (fe80::/10)";
  if (inV6(g, [0xff00], 8)) return "multicast (ff00::/8)";
  return "not global unicast (outside 2000::/3)";
}

export function checkPublicAddress(text: string): AddressCheck {
  const t = text.trim();
  const v4 = parseIPv4(t);
  if (v4 !== null) {
    const hit = V4_REFUSED.find(([base, bits]) => inV4(v4, base, bits));
    if (hit)
      return {
        ok: false,
        reason: "not-public",
        message: `${t} is ${hit[2]}, not a public address`,
      };
    return { ok: true, family: 4, address: formatIPv4(v4) };
  }
  const v6 = parseIPv6(t);
  if (!v6)
    return {
      ok: false,
      reason: "invalid",
      message: `${JSON.stringify(t.slice(0, 60))} is not an IP address`,
    };
  const refused = !inV6(v6, [0x2000], 3)
    ? v6Category(v6)
    : V6_REFUSED_GLOBAL.find(([p, bits]) => inV6(v6, p, bits))?.[2];
  if (refused)
    return { ok: false, reason: "not-public", message: `${t} is ${refused}, not a public address` };
  return { ok: true, family: 6, address: formatIPv6(v6) };
}
