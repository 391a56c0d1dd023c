/**
 * Offline IP→country lookup over worker/generated/geo.bin, which scripts/build-geo.mjs packs from
 * @ip-location-db/geo-whois-asn-country. The data is NRO's under CC BY 4.0: whatever shows these
 * countries credits nro.net.
 *
 * The file is read in place: typed-array views on the buffer, nothing parsed but the 16-byte
 * header; a lookup is a binary search. Layout (little-endian; the script has the details):
 *   "VGEO", u16 version, u16 countryCount, u32 v4Count, u32 v6Count,
 *   u32[v4Count] IPv4 range starts, u32[v6Count] /64 prefix high words, u32[v6Count] low words,
 *   u8[v4Count] and u8[v6Count] country indexes (0 = none), 2 ASCII bytes per country.
 * A range runs to the next start − 1, so both tables cover their whole address space. The build
 * gives private and other special-purpose blocks no country (the CSVs put 192.168.0.0/16 in AU),
 * resolves nested rows to the narrowest, and keeps IPv6 per /64.
 */
export interface GeoLookup {
  /** ISO 3166 alpha-2 uppercase ("FR"), or "" when unknown, private, a hostname, or malformed. Never throws. */
  country(ip: string): string;
  /** The same for an IPv4 address given as an unsigned 32-bit number (no text to parse). */
  countryOfIPv4(value: number): string;
}

const MAGIC = 0x4f454756; // "VGEO" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 16;
const DOT = 46;
const COLON = 58;

/** Throws only when `data` is not a geo.bin this code can read: a build problem, not an input one. */
export function createGeoLookup(data: ArrayBuffer | Uint8Array): GeoLookup {
  let bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  // Uint32Array views need a 4-byte aligned offset; a Node Buffer from the pool may not have one.
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
    throw new Error("geo: needs a little-endian host");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC)
    throw new Error("geo: not a geo.bin (bad magic)");
  const version = view.getUint16(4, true);
  if (version !== VERSION)
    throw new Error(
      `geo: geo.bin version ${version}, expected ${VERSION}; run scripts/build-geo.mjs`,
    );
  const countryCount = view.getUint16(6, true);
  const n4 = view.getUint32(8, true);
  const n6 = view.getUint32(12, true);
  const expected = HEADER_BYTES + 5 * n4 + 9 * n6 + 2 * countryCount;
  if (bytes.byteLength !== expected)
    throw new Error(`geo: geo.bin is ${bytes.byteLength} bytes, its header says ${expected}`);

  let at = bytes.byteOffset + HEADER_BYTES;
  const take32 = (n: number) => new Uint32Array(bytes.buffer, (at += 4 * n) - 4 * n, n);
  const take8 = (n: number) => new Uint8Array(bytes.buffer, (at += n) - n, n);
  const v4Start = take32(n4);
  const v6Hi = take32(n6);
  const v6Lo = take32(n6);
  const v4Country = take8(n4);
  const v6Country = take8(n6);
  const codes = take8(2 * countryCount);

  const names: string[] = [];
  const name = (index: number): string => {
    if (index === 0 || index >= countryCount) return "";
    return (names[index] ??= String.fromCharCode(codes[2 * index], codes[2 * index + 1]));
  };

  // by16[h] = how many ranges start below h·65536: the ranges that can hold an address with top
  // 16 bits h lie between by16[h] − 1 and by16[h + 1] − 1, a handful, where a search of the
  // whole table takes 18 steps through a 1 MB array (a cache miss each). Filled on demand, by a
  // search of the whole table per /16 first seen (-1: not yet): building all 65,537 entries up
  // front walked 340,000 ranges, ~10 ms of a fresh isolate's first chunk in workerd.
  const by16 = new Int32Array(65537).fill(-1);
  const rangesBelow = (h: number): number => {
    let c = by16[h];
    if (c < 0) {
      // The first range whose start's top 16 bits are h or more.
      let lo = 0;
      let hi = n4;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (v4Start[mid] >>> 16 < h) lo = mid + 1;
        else hi = mid;
      }
      by16[h] = c = lo;
    }
    return c;
  };

  /** Country index of the last range starting at or before `ip` (an unsigned 32-bit value). */
  const lookup4 = (ip: number): number => {
    if (n4 === 0 || v4Start[0] > ip) return 0;
    const h = ip >>> 16;
    const below = rangesBelow(h);
    let lo = below === 0 ? 0 : below - 1;
    let hi = rangesBelow(h + 1) - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (v4Start[mid] <= ip) lo = mid;
      else hi = mid - 1;
    }
    return v4Country[lo];
  };

  /** Same over the /64 prefix given as two unsigned 32-bit words. */
  const lookup6 = (h: number, l: number): number => {
    if (n6 === 0 || v6Hi[0] > h || (v6Hi[0] === h && v6Lo[0] > l)) return 0;
    let lo = 0;
    let hi = n6 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const mh = v6Hi[mid];
      if (mh < h || (mh === h && v6Lo[mid] <= l)) lo = mid;
      else hi = mid - 1;
    }
    return v6Country[lo];
  };

  const groups = new Uint16Array(8);
  return {
    country(ip: string): string {
      if (typeof ip !== "string") return "";
      const v4 = parseIPv4(ip, 0, ip.length);
      if (v4 >= 0) return name(lookup4(v4));
      if (ip.indexOf(":") < 0 || !parseIPv6(ip, groups)) return "";
      const g = groups;
      // ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket.
      if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff)
        return name(lookup4(g[6] * 0x10000 + g[7]));
      return name(lookup6(g[0] * 0x10000 + g[1], g[2] * 0x10000 + g[3]));
    },
    countryOfIPv4(value: number): string {
      return name(lookup4(value));
    },
  };
}

/**
 * Dotted-quad IPv4 in s[from, to) as an unsigned 32-bit number, or -1. Strict: four decimal
 * octets, no leading zeros (which some parsers read as octal), nothing else.
 */
function parseIPv4(s: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else if (c === DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  return digits === 0 || dots !== 3 ? -1 : value * 256 + octet;
}

/**
 * RFC 4291 text IPv6 into `groups` (eight 16-bit words): at most one "::", a dotted-quad tail,
 * and a zone id ("%eth0", ignored). Returns false on anything else.
 */
function parseIPv6(s: string, groups: Uint16Array): boolean {
  let end = s.indexOf("%");
  if (end < 0) end = s.length;
  else if (end === s.length - 1) return false;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && s.charCodeAt(0) === COLON) {
    if (s.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let value = 0;
    let j = i;
    for (; j < end; j++) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      if (j - i === 4) return false;
      value = value * 16 + h;
    }
    const c = j < end ? s.charCodeAt(j) : -1;
    if (c === DOT) {
      if (n > 6) return false;
      const v4 = parseIPv4(s, i, end);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      break;
    }
    if (j === i || n === 8) return false;
    groups[n++] = value;
    if (c === -1) break;
    if (c !== COLON || j + 1 === end) return false;
    i = j + 1;
    if (s.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap < 0) return n === 8;
  if (n === 8) return false; // "::" stands for at least one group
  const tail = n - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[n - 1 - k];
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}
