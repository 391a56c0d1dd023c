// Packs the IP→country ranges of @ip-location-db/geo-whois-asn-country into worker/generated/geo.bin,
// which worker/core/geo.ts reads in place (layout documented there and below). No dependencies.
//
// Data credit: the ranges come from the RIRs' WHOIS and ASN data published by the Number Resource
// Organization (https://www.nro.net/) under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/),
// merged with public geofeeds by sapics/ip-location-db (the npm package itself is CC0). Anything
// that shows these countries must credit nro.net.
//
// Layout, little-endian, every Uint32 array 4-byte aligned because all of them come first:
//   0  "VGEO"                       magic
//   4  u16 version (1)              6  u16 countryCount (index 0 = no country)
//   8  u32 v4Count                 12  u32 v6Count
//  16  u32[v4Count]  IPv4 range starts, strictly increasing, the first is 0
//      u32[v6Count]  IPv6 range starts, high 32 bits of the /64 prefix
//      u32[v6Count]  IPv6 range starts, low 32 bits of the /64 prefix (starts strictly increasing as pairs)
//      u8[v4Count]   country index of each IPv4 range
//      u8[v6Count]   country index of each IPv6 range
//      2 ASCII bytes × countryCount: the codes, index 0 being "--"
// A range runs from its start to the next start − 1 (the last one to the end of the space), so
// gaps between the CSV's ranges are ranges of index 0 and both tables cover the whole space.
//
// Three choices the CSVs force:
// - They give countries to special-purpose space (192.168.0.0/16 and 172.16.0.0/12 as AU,
//   2001:db8::/32 as JP...): the blocks of RESERVED below have no country, whatever the rows say.
// - Rows overlap (a /24 inside a /20 with another country): the narrowest range containing an
//   address wins, as in longest-prefix routing; on a tie, the later row.
// - IPv6 is kept at /64 precision. A /64 split between several countries (about 7k rows are
//   smaller than a /64) gets the one that covers most of its addresses, gaps counting as a country.
//
// Usage: node scripts/build-geo.mjs [--force]. Skips the work when geo.bin is newer than the CSVs
// and this script, so the test gate can call it every time.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "node_modules/@ip-location-db/geo-whois-asn-country");
const inputs = {
  v4: join(pkg, "geo-whois-asn-country-ipv4-num.csv"),
  v6: join(pkg, "geo-whois-asn-country-ipv6-num.csv"),
};
const output = join(root, "worker/generated/geo.bin");
const VERSION = 1;
const HEADER_BYTES = 16;

// IANA's special-purpose registries (RFC 6890 and later), multicast, and in IPv6 everything
// outside 2000::/3: no client there has a country.
const RESERVED = {
  // 224.0.0.0/3: multicast, then 240.0.0.0/4 reserved and the broadcast address.
  v4: (
    "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 " +
    "192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/3"
  ).split(" "),
  v6: "::/3 2001::/23 2001:db8::/32 2002::/16 3fff::/20 4000::/2 8000::/1".split(" "),
};

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

const newestInput = Math.max(
  mtime(inputs.v4),
  mtime(inputs.v6),
  mtime(fileURLToPath(import.meta.url)),
);
if (mtime(inputs.v4) < 0 || mtime(inputs.v6) < 0) {
  console.error(`build-geo: missing ${pkg}; run npm install`);
  process.exit(1);
}
if (!process.argv.includes("--force") && mtime(output) > newestInput) {
  console.log(`build-geo: ${relative(output)} is up to date (${statSync(output).size} bytes)`);
  process.exit(0);
}

/** Rows of one CSV as { start, end, cc } with BigInt bounds, in file order. */
function readRows(path) {
  const rows = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    const [a, b, cc] = line.split(",");
    if (!/^[A-Z]{2}$/.test(cc ?? "")) throw new Error(`${path}: bad country in "${line}"`);
    const start = BigInt(a);
    const end = BigInt(b);
    if (end < start) throw new Error(`${path}: reversed range "${line}"`);
    rows.push({ start, end, cc });
  }
  return rows;
}

/** "a.b.c.d/n" or "h:h::/n" (the only forms RESERVED uses) as a row that beats every other. */
function reservedRow(cidr) {
  const [address, length] = cidr.split("/");
  const bits = address.includes(":") ? 128n : 32n;
  const head = address.includes(":")
    ? address.split("::")[0].split(":").filter(Boolean)
    : address.split(".");
  const width = bits === 128n ? 16n : 8n;
  let start = 0n;
  for (let k = 0n; k < bits / width; k++)
    start =
      (start << width) |
      BigInt(k < head.length ? parseInt(head[Number(k)], bits === 128n ? 16 : 10) : 0);
  const host = bits - BigInt(length);
  if (start & ((1n << host) - 1n)) throw new Error(`build-geo: ${cidr} is not a network address`);
  return { start, end: start + (1n << host) - 1n, cc: "", reserved: true };
}

/**
 * Flattens possibly-overlapping rows into contiguous segments covering [0, limit): each is
 * { start, end, cc } with cc "" in gaps. The narrowest row wins, a reserved row beats any other.
 * A sweep over the boundaries with a heap of the active rows, narrowest first: O(n log n).
 */
function flatten(rows, limit) {
  const byStart = rows
    .map((r, i) => ({ ...r, i, size: r.reserved ? -1n : r.end - r.start }))
    .sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.i - y.i));
  // Not a Set: V8 hashes a BigInt by its lowest 64 bits, all zero in IPv6 prefixes (quadratic).
  const all = [0n];
  for (const r of byStart) {
    all.push(r.start);
    if (r.end + 1n < limit) all.push(r.end + 1n);
  }
  all.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const sorted = all.filter((b, k) => k === 0 || b !== all[k - 1]);
  const heap = new Heap((x, y) => (x.size !== y.size ? x.size < y.size : x.i > y.i));
  const segments = [];
  let next = 0;
  for (let k = 0; k < sorted.length; k++) {
    const at = sorted[k];
    while (next < byStart.length && byStart[next].start === at) heap.push(byStart[next++]);
    while (heap.size > 0 && heap.top().end < at) heap.pop();
    const cc = heap.size > 0 ? heap.top().cc : "";
    const end = k + 1 < sorted.length ? sorted[k + 1] - 1n : limit - 1n;
    const last = segments.at(-1);
    if (last !== undefined && last.cc === cc) last.end = end;
    else segments.push({ start: at, end, cc });
  }
  return segments;
}

/** Reduces 128-bit segments to /64 ranges [{ start (BigInt /64 index), cc }], majority per split /64. */
function toPrefix64(segments) {
  const BLOCK = 1n << 64n;
  const out = [];
  const emit = (start, cc) => {
    if (out.length > 0 && out.at(-1).start >= start)
      throw new Error("toPrefix64: ranges out of order");
    if (out.length === 0 || out.at(-1).cc !== cc) out.push({ start, cc });
  };
  let pending = -1n; // the split /64 being tallied
  let tally = new Map();
  const add = (block, cc, count) => {
    if (block !== pending) flush();
    pending = block;
    tally.set(cc, (tally.get(cc) ?? 0n) + count);
  };
  const flush = () => {
    if (pending < 0n) return;
    let best = "";
    let bestCount = -1n;
    for (const [cc, count] of tally) if (count > bestCount) [best, bestCount] = [cc, count]; // ties: the lowest address
    emit(pending, best);
    pending = -1n;
    tally = new Map();
  };
  for (const { start, end, cc } of segments) {
    const first = start / BLOCK;
    const last = end / BLOCK;
    const fullFrom = start % BLOCK === 0n ? first : first + 1n;
    const fullTo = (end + 1n) % BLOCK === 0n ? last : last - 1n;
    if (start % BLOCK !== 0n)
      add(first, cc, (first === last ? end + 1n : (first + 1n) * BLOCK) - start);
    if (fullFrom <= fullTo) {
      flush();
      emit(fullFrom, cc);
    }
    if ((end + 1n) % BLOCK !== 0n && (first !== last || start % BLOCK === 0n))
      add(last, cc, end + 1n - last * BLOCK);
  }
  flush();
  return out;
}

/** A binary heap; `before(a, b)` is true when a should come out first. */
class Heap {
  constructor(before) {
    this.before = before;
    this.items = [];
  }
  get size() {
    return this.items.length;
  }
  top() {
    return this.items[0];
  }
  push(item) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }
  pop() {
    const a = this.items;
    const last = a.pop();
    if (a.length === 0) return;
    a[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.before(a[l], a[m])) m = l;
      if (r < a.length && this.before(a[r], a[m])) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}

function relative(path) {
  return path.slice(root.length + 1);
}

const rows4 = readRows(inputs.v4);
const rows6 = readRows(inputs.v6);
const v4 = flatten([...rows4, ...RESERVED.v4.map(reservedRow)], 1n << 32n);
const v6 = toPrefix64(flatten([...rows6, ...RESERVED.v6.map(reservedRow)], 1n << 128n));

const codes = [...new Set([...v4, ...v6].map((r) => r.cc).filter((cc) => cc !== ""))].sort();
if (codes.length > 255) throw new Error(`build-geo: ${codes.length} countries do not fit a byte`);
const index = new Map([["", 0], ...codes.map((cc, i) => [cc, i + 1])]);
const countryCount = codes.length + 1;

const size =
  HEADER_BYTES + 4 * v4.length + 8 * v6.length + v4.length + v6.length + 2 * countryCount;
const buf = new ArrayBuffer(size);
const view = new DataView(buf);
const bytes = new Uint8Array(buf);
bytes.set([0x56, 0x47, 0x45, 0x4f], 0); // "VGEO"
view.setUint16(4, VERSION, true);
view.setUint16(6, countryCount, true);
view.setUint32(8, v4.length, true);
view.setUint32(12, v6.length, true);
let at = HEADER_BYTES;
for (const r of v4) view.setUint32((at += 4) - 4, Number(r.start), true);
for (const r of v6) view.setUint32((at += 4) - 4, Number(r.start >> 32n), true);
for (const r of v6) view.setUint32((at += 4) - 4, Number(r.start & 0xffffffffn), true);
for (const r of v4) bytes[at++] = index.get(r.cc);
for (const r of v6) bytes[at++] = index.get(r.cc);
for (const cc of ["--", ...codes]) {
  bytes[at++] = cc.charCodeAt(0);
  bytes[at++] = cc.charCodeAt(1);
}
if (at !== size) throw new Error(`build-geo: wrote ${at} of ${size} bytes`);

mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, bytes);
console.log(
  `build-geo: ${relative(output)} ${size} bytes: IPv4 ${rows4.length} rows → ${v4.length} ranges (${5 * v4.length} bytes), ` +
    `IPv6 ${rows6.length} rows → ${v6.length} /64 ranges (${9 * v6.length} bytes), ${codes.length} countries`,
);
