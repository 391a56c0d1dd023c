// The same gunzip, run inside workerd: proves it needs no `node:*` and that pako's low-level
// inflate behaves there as in Node. The exhaustive table is test/core/gunzip.test.ts.
import * as pako from "pako";
import { describe, expect, it } from "vitest";
import { GUNZIP_INPUT_SLICE, gunzip, gunzipBody } from "../../worker/ingest/gunzip";
import type { GunzipResult } from "../../worker/ingest/gunzip";
import { bytes, concat } from "../bytes";

const MB = 1024 * 1024;
const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const outcome = (r: GunzipResult) => (r.ok ? `ok ${r.members}` : r.code);

const line = (i: number) =>
  `203.0.113.${i % 250} - - [17/May/2015:10:05:${String(i % 60).padStart(2, "0")} +0000] "GET /page/${i} HTTP/1.1" 200 ${1000 + i} "-" "Mozilla/5.0"\n`;
const log = (from: number, to: number) =>
  bytes(Array.from({ length: to - from }, (_, i) => line(from + i)).join(""));

/** Adds an FNAME field (as the `gzip` tool writes), shifting the rest of the member by name.length + 1 bytes. */
const withName = (member: Uint8Array, name: string) => {
  const m = member.slice();
  m[3] |= 0x08;
  return concat(m.subarray(0, 10), bytes(name), new Uint8Array([0]), m.subarray(10));
};

const member = pako.gzip(log(0, 20));
const flipped = (at: number) => {
  const b = member.slice();
  b[at] ^= 0xff;
  return b;
};

describe("gunzip inside workerd", () => {
  it.each<[string, Uint8Array[]]>([
    ["one member", [log(0, 20)]],
    ["one empty member", [new Uint8Array(0)]],
    ["2 members", [log(0, 10), log(10, 20)]],
    [
      "5 members, one empty",
      [log(0, 100), log(100, 101), new Uint8Array(0), log(101, 3000), log(3000, 3010)],
    ],
  ])("%s decompresses to the concatenation", (_, contents) => {
    const r = gunzip(concat(...contents.map((c) => pako.gzip(c))), 16 * MB);
    expect(outcome(r)).toBe(`ok ${contents.length}`);
    expect(r.ok && same(r.bytes, concat(...contents))).toBe(true);
  });

  it.each<[string, Uint8Array, string]>([
    ["empty body", new Uint8Array(0), "not_gzip"],
    ["plain text", log(0, 2), "not_gzip"],
    ["zlib stream", pako.deflate(log(0, 2)), "not_gzip"],
    ["trailing garbage", concat(member, bytes("junk")), "corrupt_gzip"],
    ["trailing zeros", concat(member, new Uint8Array(4)), "corrupt_gzip"],
    ["flipped CRC byte", flipped(member.length - 7), "corrupt_gzip"],
    ["flipped length byte", flipped(member.length - 2), "corrupt_gzip"],
    [
      "bomb: 50 x 1 MB of zeros vs 8 MB",
      concat(...Array.from({ length: 50 }, () => pako.gzip(new Uint8Array(MB)))),
      "too_large",
    ],
  ])("%s → %s", (_, body, code) => {
    expect(outcome(gunzip(body, 8 * MB))).toBe(code);
  });

  it("truncated at every byte offset: never ok, never throws", () => {
    const seen = Array.from({ length: member.length }, (_, k) =>
      outcome(gunzip(member.subarray(0, k), MB)),
    );
    expect(seen).toEqual(
      Array.from({ length: member.length }, (_, k) => (k < 2 ? "not_gzip" : "corrupt_gzip")),
    );
  });

  it("exactly maxBytes is accepted, one byte less is too large", () => {
    const contents = [log(0, 50), log(50, 400)];
    const body = concat(...contents.map((c) => pako.gzip(c)));
    const size = contents[0].length + contents[1].length;
    expect(outcome(gunzip(body, size))).toBe("ok 2");
    expect(outcome(gunzip(body, size - 1))).toBe("too_large");
  });

  it("member boundaries on and around every slice-edge offset (sampled)", () => {
    const a = pako.gzip(log(0, 3));
    const tail = concat(pako.gzip(log(3, 4)), pako.gzip(log(4, 9)));
    const want = log(0, 9);
    const failures: number[] = [];
    // Member 1's end falls at every 7th offset of a slice, and at each of the 64 around its edge.
    const edge = GUNZIP_INPUT_SLICE - (a.length + 1);
    const shifts = new Set<number>();
    for (let k = 0; k < GUNZIP_INPUT_SLICE; k += 7) shifts.add(k);
    for (let d = -32; d <= 32; d++) shifts.add(edge + d);
    for (const k of shifts) {
      const r = gunzip(concat(withName(a, "n".repeat(k)), tail), MB);
      if (!r.ok || r.members !== 3 || !same(r.bytes, want)) failures.push(k);
    }
    expect(failures).toEqual([]);
  });
});

describe("gunzipBody inside workerd: its DecompressionStream, gunzip() for what it refuses", () => {
  /** gunzipBody's result must be gunzip()'s: the same bytes, or the same code and message. */
  async function agrees(body: Uint8Array, max: number): Promise<string> {
    const want = gunzip(body, max);
    const got = await gunzipBody(body, max);
    if (want.ok && got.ok) expect(same(got.bytes, want.bytes)).toBe(true);
    else expect(got).toEqual(want);
    return got.ok ? "ok" : got.code;
  }

  it.each<[string, Uint8Array, string]>([
    ["one member", member, "ok"],
    ["one empty member", pako.gzip(new Uint8Array(0)), "ok"],
    ["one member with an FNAME header", withName(member, "access.log"), "ok"],
    ["2 members (workerd's decoder refuses them)", concat(member, pako.gzip(log(20, 30))), "ok"],
    ["an empty member, then one", concat(pako.gzip(new Uint8Array(0)), member), "ok"],
    ["trailing garbage", concat(member, bytes("junk")), "corrupt_gzip"],
    ["trailing zeros", concat(member, new Uint8Array(4)), "corrupt_gzip"],
    ["flipped CRC byte", flipped(member.length - 7), "corrupt_gzip"],
    ["flipped length byte", flipped(member.length - 2), "corrupt_gzip"],
    ["plain text", log(0, 2), "not_gzip"],
  ])("%s", async (_, body, code) => {
    expect(await agrees(body, 16 * MB)).toBe(code);
  });

  it("truncated at every byte offset", async () => {
    for (let k = 0; k < member.length; k++) await agrees(member.subarray(0, k), MB);
  });

  it("a member's end on and around the edges of the 16 KB input it feeds the decoder", async () => {
    const m = pako.gzip(log(0, 3000));
    for (const edge of [GUNZIP_INPUT_SLICE, 2 * GUNZIP_INPUT_SLICE]) {
      for (let d = -16; d <= 16; d++) {
        const k = edge - (m.length + 1) + d;
        if (k < 0) continue;
        const one = withName(m, "n".repeat(k));
        expect(await agrees(one, 16 * MB)).toBe("ok");
        expect(await agrees(concat(one, member), 16 * MB)).toBe("ok");
      }
    }
  });

  it("the limit: a 50 MB bomb against 1 MB, and exactly maxBytes", async () => {
    expect(await agrees(pako.gzip(new Uint8Array(50 * MB)), MB)).toBe("too_large");
    const size = log(0, 400).length;
    expect(await agrees(pako.gzip(log(0, 400)), size)).toBe("ok");
    expect(await agrees(pako.gzip(log(0, 400)), size - 1)).toBe("too_large");
  });
});
