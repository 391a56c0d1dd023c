import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createGeoLookup } from "../../worker/core/geo";
import { rng } from "../random";

const root = fileURLToPath(new URL("../../", import.meta.url));
const binPath = `${root}worker/generated/geo.bin`;
const csvDir = `${root}node_modules/@ip-location-db/geo-whois-asn-country/`;

if (!existsSync(binPath)) {
  const built = spawnSync("node", ["scripts/build-geo.mjs"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) throw new Error("scripts/build-geo.mjs failed");
}
const bin = readFileSync(binPath);
const geo = createGeoLookup(bin);

// The reference model, read straight from the CSVs: the narrowest row containing an address
// wins (rows nest, e.g. 2.58.197.15 BE inside 2.58.196.0/23 DE), on a tie the later row; and
// special-purpose space has no country whatever the rows say (they put 192.168.0.0/16 in AU).
const special4 = (
  "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 " +
  "192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4"
)
  .split(" ")
  .map((cidr) => {
    const [net, bits] = cidr.split("/");
    return { start: dotted(net), size: 2 ** (32 - Number(bits)) };
  });
// Outside 2000::/3, and in it: 2001::/23, 2001:db8::/32, 2002::/16, 3fff::/20.
const special6 = (["2001/23", "20010db8/32", "2002/16", "3fff/20"] as const).map((prefix) => {
  const [hex, bits] = prefix.split("/");
  const shift = BigInt(128 - Number(bits));
  return { net: BigInt(`0x${hex.padEnd(32, "0")}`) >> shift, shift };
});
const isSpecial6 = (ip: bigint) =>
  ip >> 125n !== 1n || special6.some(({ net, shift }) => ip >> shift === net);

const v4Text = readFileSync(`${csvDir}geo-whois-asn-country-ipv4.csv`, "utf8").trim().split("\n");
const v4Start = new Float64Array(v4Text.length);
const v4End = new Float64Array(v4Text.length);
const v4Cc: string[] = [];
v4Text.forEach((line, i) => {
  const [a, b, cc] = line.split(",");
  v4Start[i] = dotted(a);
  v4End[i] = dotted(b);
  v4Cc.push(cc);
});

function dotted(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toDotted(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function naive4(ip: number): string {
  if (special4.some(({ start, size }) => ip >= start && ip < start + size)) return "";
  let best = -1;
  for (let i = 0; i < v4Start.length; i++) {
    if (
      v4Start[i] <= ip &&
      ip <= v4End[i] &&
      (best < 0 || v4End[i] - v4Start[i] <= v4End[best] - v4Start[best])
    )
      best = i;
  }
  return best < 0 ? "" : v4Cc[best];
}

/** Seeded 32-bit integers (test/random.ts's generator, unscaled), so a failure replays. */
function mulberry32(seed: number): () => number {
  const next = rng(seed);
  return () => next() * 4294967296;
}

// Rows quoted from the CSV (line numbers of geo-whois-asn-country-ipv4.csv / -ipv6.csv, package
// 2.3.2026061719); each address is contained in that row only, unless the comment says otherwise.
const known: [ip: string, country: string][] = [
  ["1.0.0.0", "AU"], // line 1, the first range: 1.0.0.0,1.0.0.255,AU
  ["1.0.0.77", "AU"],
  ["1.0.0.255", "AU"],
  ["1.0.1.0", "CN"], // line 2: 1.0.1.0,1.0.3.255,CN
  ["8.8.8.8", "US"], // line 8295: 6.0.0.0,8.10.5.255,US
  ["80.67.160.0", "FR"], // line 81157: 80.67.160.0,80.67.180.255,FR
  ["80.67.169.12", "FR"],
  ["80.67.180.255", "FR"],
  ["80.67.181.0", "BE"], // line 81158
  ["194.2.0.0", "FR"], // line 273151: 194.2.0.0,194.4.7.255,FR
  ["194.3.0.1", "FR"],
  ["194.4.7.255", "FR"],
  ["2.58.197.14", "DE"], // line 761: 2.58.196.0,2.58.197.255,DE
  ["2.58.197.15", "BE"], // line 762, nested in line 761: the narrower row wins
  ["2.58.197.16", "DE"], // lines 761 and 763
  ["223.255.254.255", "SG"], // line 334372
  ["223.255.255.0", "AU"], // line 334373, the last range: 223.255.255.0,223.255.255.255,AU
  ["223.255.255.128", "AU"],
  ["223.255.255.255", "AU"],
  // Lines 1 and 2 (2001:2::/48 and 2001:10::/28, JP) are special-purpose space, line 3 the first range.
  ["2001:200::", "AU"], // line 3: 2001:200::,2001:218:2000:51:ffff:ffff:ffff:ffff,AU
  ["2001:200::1", "AU"],
  ["2001:218:2000:51:ffff:ffff:ffff:ffff", "AU"],
  ["2001:218:2000:52::1", "JP"], // line 4
  ["2001:4860::", "US"], // line 22644: 2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US
  ["2001:4860:4860::8888", "US"],
  ["2001:4860:ffff:ffff:ffff:ffff:ffff:ffff", "US"],
  ["2a01:e0a::1", "FR"], // line 126734: 2a01:e00::,2a01:e0f:ffff:ffff:ffff:ffff:ffff:ffff,FR
  ["2001:420:4000::1", "GB"], // line 362 (a /40), nested in lines 361 NL and 360 JP
  ["2001:420:7fff:ffff:ffff:ffff:ffff:ffff", "JP"], // line 360 alone
  ["2c0f:e9a0:1002:ffff:ffff:ffff:ffff:ffff", "ZA"], // line 216295, the last range's end
  // Line 216294 gives 2c0f:e9a0:2::2a:0/112 to FR, but IPv6 is kept per /64, and ZA (lines
  // 216293 and 216295) covers nearly all of 2c0f:e9a0:2::/64.
  ["2c0f:e9a0:2::2a:1", "ZA"],
];

const unknown: [ip: string, why: string][] = [
  ["0.0.0.0", "before the first range"],
  ["0.255.255.255", "before the first range"],
  ["5.249.168.0", "gap after line 8008 (5.249.160.0,5.249.167.255,DE)"],
  ["5.249.175.255", "gap before 5.249.176.0,5.249.187.255,US"],
  ["14.102.240.0", "gap after line 10687 (14.102.234.0,14.102.239.255,US)"],
  ["224.0.0.1", "multicast, after the last range"],
  ["255.255.255.255", "broadcast, the last address"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private (line 214620 says AU)"],
  ["192.168.1.1", "private (line 262817 says AU)"],
  ["198.51.100.7", "documentation (line 291231 says AU)"],
  ["203.0.113.255", "documentation (line 300768 says AU)"],
  ["127.0.0.1", "loopback"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["fe80::1%eth0", "link-local with a zone"],
  ["fc00::1", "unique local"],
  ["2001:db8::1", "documentation (line 13293 says JP)"],
  ["2001:2::1", "benchmarking (line 1 says JP)"],
  ["2001:10::1", "ORCHID (line 2 says JP)"],
  ["2001:3::1", "special-purpose, and a gap between lines 1 and 2"],
  ["2002:808:808::1", "6to4"],
  ["2001:678:265::", "gap between lines 3001 (2001:678:264::/48 NL) and 3002"],
  ["ff02::1", "multicast"],
  ["::ffff:10.0.0.1", "IPv4-mapped private"],
  ["example.com", "hostname"],
  ["localhost", "hostname"],
  ["crawl-66-249-66-1.googlebot.com", "hostname"],
  ["8.8.8.8.in-addr.arpa", "hostname"],
  ["", "empty"],
  ["-", "a log's empty field"],
  ["1.2.3", "three octets"],
  ["1.2.3.4.5", "five octets"],
  ["256.1.1.1", "octet over 255"],
  ["1.2.3.1000", "octet over 255"],
  ["01.2.3.4", "leading zero"],
  ["1..3.4", "empty octet"],
  ["1.2.3.4.", "trailing dot"],
  [" 8.8.8.8", "leading space"],
  ["8.8.8.8 ", "trailing space"],
  ["8.8.8.8:443", "with a port"],
  ["[2001:4860::1]", "bracketed"],
  ["2001:4860:::1", "triple colon"],
  ["2001::4860::1", "two ::"],
  ["12345::1", "five hex digits"],
  ["g::1", "not hex"],
  ["1:2:3:4:5:6:7:8:9", "nine groups"],
  ["1:2:3:4:5:6:7", "seven groups, no ::"],
  ["1:2:3:4::5:6:7:8", ":: standing for no group"],
  [":1:2:3:4:5:6:7", "leading single colon"],
  ["1:2:3:4:5:6:7:", "trailing single colon"],
  ["2001:4860::1%", "empty zone"],
  ["::ffff:1.2.3.256", "bad mapped IPv4"],
  ["1:2:3:4:5:6:7:1.2.3.4", "dotted quad past 128 bits"],
  [":", "colon"],
  [":::", "three colons"],
];

// Different spellings of one address must agree.
const same: [ip: string, as: string][] = [
  ["::ffff:8.8.8.8", "8.8.8.8"],
  ["::FFFF:8.8.8.8", "8.8.8.8"],
  ["0:0:0:0:0:ffff:8.8.8.8", "8.8.8.8"],
  ["::ffff:808:808", "8.8.8.8"],
  ["::ffff:194.3.0.1", "194.3.0.1"],
  ["::ffff:1.0.0.0", "1.0.0.0"],
  ["2001:4860:4860:0:0:0:0:8888", "2001:4860:4860::8888"],
  ["2001:4860:4860:0000:0000:0000:0000:8888", "2001:4860:4860::8888"],
  ["2001:4860:4860::8888%eth0", "2001:4860:4860::8888"],
  ["2A01:E0A::1", "2a01:e0a::1"],
  ["2a01:e0a::0.0.0.1", "2a01:e0a::1"],
];

describe("createGeoLookup", () => {
  it.each(known)("%s → %s", (ip, country) => {
    expect(geo.country(ip)).toBe(country);
  });

  it("countryOfIPv4 (the analyzer's path: the address as a number) agrees with country() on every IPv4 case", () => {
    const v4 = [...known, ...unknown.map(([ip]) => [ip, ""] as [string, string])].filter(([ip]) =>
      /^\d+\.\d+\.\d+\.\d+$/.test(ip),
    );
    expect(v4.length).toBeGreaterThan(10);
    for (const [ip] of v4) {
      const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
      if (ip.split(".").every((o) => Number(o) <= 255 && String(Number(o)) === o))
        expect(geo.countryOfIPv4(n), ip).toBe(geo.country(ip));
    }
    // Every /8, at a few points of each: the binary search over the whole table.
    for (let a = 0; a < 256; a++)
      for (const rest of [0, 0x123456, 0xffffff]) {
        const n = a * 0x1000000 + rest;
        expect(geo.countryOfIPv4(n)).toBe(
          geo.country(`${a}.${(rest >>> 16) & 255}.${(rest >>> 8) & 255}.${rest & 255}`),
        );
      }
  });

  it.each(unknown)('%s → "" (%s)', (ip) => {
    expect(geo.country(ip)).toBe("");
  });

  it.each(same)("%s reads as %s", (ip, as) => {
    expect(geo.country(as)).not.toBe("");
    expect(geo.country(ip)).toBe(geo.country(as));
  });

  it("never throws on garbage", () => {
    const next = mulberry32(7);
    const alphabet = "0123456789abcdefABCDEF:.%/ -[]xyz";
    for (let n = 0; n < 20_000; n++) {
      let s = "";
      const length = next() % 48;
      for (let k = 0; k < length; k++)
        s +=
          next() % 8 === 0
            ? String.fromCharCode(next() % 0x10000)
            : alphabet[next() % alphabet.length];
      expect(geo.country(s)).toMatch(/^([A-Z]{2})?$/);
    }
    for (const junk of [undefined, null, 42, {}, "8.8.8.8".repeat(10_000)])
      expect(geo.country(junk as unknown as string)).toBe("");
  });

  it("reads a buffer at any offset, and refuses one that is not a geo.bin", () => {
    const shifted = new Uint8Array(bin.length + 1).subarray(1);
    shifted.set(bin);
    expect(createGeoLookup(shifted).country("8.8.8.8")).toBe("US");
    expect(
      createGeoLookup(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length)).country(
        "2a01:e0a::1",
      ),
    ).toBe("FR");
    expect(() => createGeoLookup(new Uint8Array(64))).toThrow(/magic/);
    expect(() => createGeoLookup(bin.subarray(0, bin.length - 1))).toThrow(/bytes/);
  });

  it("agrees with a linear scan of the CSV on 3,500 random IPv4 addresses", () => {
    const next = mulberry32(2026);
    const mismatches: string[] = [];
    for (let n = 0; n < 3500; n++) {
      const row = next() % v4Start.length;
      // Uniform addresses, the edges of ranges (start, end, just past the end, inside), and of
      // the /16 blocks the lookup indexes by (first address, last address).
      const block = (next() >>> 16) * 65536;
      const picks = [
        next(),
        v4Start[row],
        v4End[row],
        Math.min(v4End[row] + 1, 0xffffffff),
        v4Start[row] + (next() % (v4End[row] - v4Start[row] + 1)),
        block,
        Math.max(block - 1, 0),
      ];
      const ip = picks[n % picks.length];
      const expected = naive4(ip);
      if (geo.country(toDotted(ip)) !== expected)
        mismatches.push(`${toDotted(ip)}: ${geo.country(toDotted(ip))} ≠ ${expected}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("agrees with the CSV on 300 IPv6 addresses in /64s that no range boundary splits", () => {
    const rows = readFileSync(`${csvDir}geo-whois-asn-country-ipv6-num.csv`, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(","));
    const start = rows.map((r) => BigInt(r[0]));
    const end = rows.map((r) => BigInt(r[1]));
    const BLOCK = 1n << 64n;
    const aligned = rows.flatMap((_, i) =>
      start[i] % BLOCK === 0n && (end[i] + 1n) % BLOCK === 0n ? [i] : [],
    );
    const next = mulberry32(64);
    const random64 = () => (BigInt(next()) << 32n) | BigInt(next());
    let checked = 0;
    const mismatches: string[] = [];
    for (let n = 0; n < 300; n++) {
      const row = aligned[next() % aligned.length];
      const blocks = (end[row] + 1n - start[row]) / BLOCK;
      const blockStart = start[row] + (random64() % blocks) * BLOCK;
      const ip = blockStart + random64();
      let best = -1;
      let split = false;
      for (let i = 0; i < rows.length; i++) {
        if (start[i] > blockStart && start[i] < blockStart + BLOCK) split = true;
        if (end[i] >= blockStart && end[i] < blockStart + BLOCK - 1n) split = true;
        if (
          start[i] <= ip &&
          ip <= end[i] &&
          (best < 0 || end[i] - start[i] <= end[best] - start[best])
        )
          best = i;
      }
      if (split) continue;
      checked++;
      const text = Array.from({ length: 8 }, (_, g) =>
        ((ip >> BigInt(112 - 16 * g)) & 0xffffn).toString(16),
      ).join(":");
      const expected = isSpecial6(ip) ? "" : rows[best][2];
      if (geo.country(text) !== expected)
        mismatches.push(`${text}: ${geo.country(text)} ≠ ${expected}`);
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(250);
  });
});
