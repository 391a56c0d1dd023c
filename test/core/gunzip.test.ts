import { spawnSync } from "node:child_process";
import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from "node:zlib";
import * as pako from "pako";
import { describe, expect, it, vi } from "vitest";
import { GUNZIP_INPUT_SLICE, gunzip, gunzipBody } from "../../worker/ingest/gunzip";
import type { BodyResult, GunzipResult } from "../../worker/ingest/gunzip";
import { bytes, concat } from "../bytes";
import { rng } from "../random";
import { BASJES, readFixture, SEMICOMPLETE } from "./fixtures";

const MB = 1024 * 1024;

/** node:zlib is the zlib the `gzip` tool and logrotate's gzip share; pako is what runs in the worker. */
const nodeGz = (data: Uint8Array) => new Uint8Array(gzipSync(data));
const pakoGz = (data: Uint8Array) => pako.gzip(data);

/** Adds an FNAME field, as the `gzip` tool writes (`gzip access.log`): shifts the member by name.length + 1 bytes. */
function withName(member: Uint8Array, name: string): Uint8Array {
  const m = member.slice();
  expect(m[3] & 0x1c).toBe(0); // no FEXTRA/FNAME/FCOMMENT yet
  m[3] |= 0x08;
  return concat(m.subarray(0, 10), bytes(name), new Uint8Array([0]), m.subarray(10));
}

/** toEqual walks typed arrays element by element (minutes on megabytes): compare natively, show where they part. */
function expectBytes(actual: Uint8Array, want: Uint8Array) {
  if (actual.length === want.length && Buffer.compare(actual, want) === 0) return;
  let at = 0;
  while (at < actual.length && actual[at] === want[at]) at++;
  const around = (b: Uint8Array) =>
    new TextDecoder().decode(b.subarray(Math.max(0, at - 20), at + 20));
  expect({ length: actual.length, at, around: around(actual) }).toEqual({
    length: want.length,
    at,
    around: around(want),
  });
}

const ok = <R extends GunzipResult | BodyResult>(r: R) => {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.message}`);
  return r as Extract<R, { ok: true }>;
};

const logText = readFixture(SEMICOMPLETE);
const logLines = logText.split("\n");
/** Whole log lines [from, to) of the fixture, as bytes. */
const lines = (from: number, to: number) =>
  bytes(
    logLines
      .slice(from, to)
      .map((l) => `${l}\n`)
      .join(""),
  );

describe("gunzip: valid bodies", () => {
  const small = lines(0, 20);
  const big = bytes(logText); // 2.4 MB: many input slices and output buffers
  const cases: [string, Uint8Array[], (d: Uint8Array) => Uint8Array][] = [
    ["one member, pako", [small], pakoGz],
    ["one member, node zlib", [small], nodeGz],
    ["one member of the whole fixture, node zlib", [big], nodeGz],
    ["one empty member", [new Uint8Array(0)], nodeGz],
    ["2 members, node zlib", [lines(0, 10), lines(10, 20)], nodeGz],
    ["2 members, pako", [lines(0, 10), lines(10, 20)], pakoGz],
    ["5 members, node zlib", [0, 1, 2, 3, 4].map((i) => lines(i * 3000, (i + 1) * 3000)), nodeGz],
    [
      "5 members with empty ones among them",
      [new Uint8Array(0), small, new Uint8Array(0), big, new Uint8Array(0)],
      nodeGz,
    ],
    ["3 large members (each many slices)", [big, bytes(readFixture(BASJES)), big], nodeGz],
  ];

  it.each(cases)("%s", (_, contents, gz) => {
    const r = ok(gunzip(concat(...contents.map(gz)), 64 * MB));
    expect(r.members).toBe(contents.length);
    expectBytes(r.bytes, concat(...contents));
  });

  it("members from pako and node zlib mixed, one with a gzip-tool FNAME header", () => {
    const parts = [lines(0, 50), lines(50, 51), lines(51, 400)];
    const body = concat(
      nodeGz(parts[0]),
      withName(pakoGz(parts[1]), "access.log"),
      nodeGz(parts[2]),
    );
    const r = ok(gunzip(body, MB));
    expect(r.members).toBe(3);
    expectBytes(r.bytes, concat(...parts));
  });

  const gzipTool = spawnSync("gzip", ["--version"]).status === 0;
  it.skipIf(!gzipTool)("`gzip -c a; gzip -c b` concatenated, from the real gzip tool", () => {
    const tool = (data: Uint8Array) =>
      new Uint8Array(spawnSync("gzip", ["-c", "-9"], { input: data }).stdout);
    const parts = [lines(0, 1000), lines(1000, 1001), lines(1001, 5000)];
    const r = ok(gunzip(concat(...parts.map(tool)), 16 * MB));
    expect(r.members).toBe(3);
    expectBytes(r.bytes, concat(...parts));
  });

  it("accepts a subarray view with a byteOffset", () => {
    const body = nodeGz(lines(0, 30));
    const padded = concat(bytes("xxxx"), body, bytes("yyyy"));
    expectBytes(ok(gunzip(padded.subarray(4, 4 + body.length), MB)).bytes, lines(0, 30));
  });
});

describe("gunzip: member boundaries at every offset of an input slice", () => {
  // The trap (DESIGN, toolchain facts): a decoder that loses later members when a member ends on
  // the edge of the input it was fed. Padding member 1's FNAME by k bytes moves every later byte
  // by k, so over k in [0, slice) each boundary (and each trailer and header) lands on every offset
  // modulo the slice, including exactly at a slice's end.
  const a = lines(0, 3);
  const b = lines(3, 4);
  const c = lines(4, 9);
  const tail = concat(pakoGz(b), nodeGz(c));
  const expected = concat(a, b, c);
  const m1 = nodeGz(a);

  // Every offset is swept with a 256-byte slice (the same code path, a smaller period), and the
  // real 16 KB slice around its edge and at a stride, to keep the sweep to seconds.
  const sweeps: [string, number, number[]][] = [
    ["256-byte slice, every shift", 256, Array.from({ length: 256 + 41 }, (_, k) => k)],
    [
      "16 KB slice, around the edge and every 97th shift",
      GUNZIP_INPUT_SLICE,
      Array.from({ length: GUNZIP_INPUT_SLICE + 41 }, (_, k) => k).filter(
        (k) =>
          k % 97 === 0 ||
          Math.abs(((k + m1.length) % GUNZIP_INPUT_SLICE) - GUNZIP_INPUT_SLICE / 2) >
            GUNZIP_INPUT_SLICE / 2 - 48,
      ),
    ],
  ];
  it.each(sweeps)("3 small members, member 1 shifted: %s", (_, slice, shifts) => {
    const failures: string[] = [];
    for (const k of shifts) {
      const body = concat(withName(m1, "n".repeat(k)), tail);
      const r = gunzip(body, MB, slice);
      if (!r.ok || r.members !== 3 || Buffer.compare(r.bytes, expected) !== 0) {
        failures.push(
          `k=${k}: ${r.ok ? `members ${r.members}, ${r.bytes.length} bytes` : r.message}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it("large members whose ends fall on and around slice edges", () => {
    // Member 1 is ~40 KB compressed; sweep its end across two slice edges, around each one byte by byte.
    const big = lines(0, 2000);
    const m = nodeGz(big);
    const want = concat(big, b, c);
    const shifts = new Set<number>();
    for (const edge of [3 * GUNZIP_INPUT_SLICE, 4 * GUNZIP_INPUT_SLICE]) {
      for (let d = -40; d <= 40; d++) shifts.add(edge - (m.length + 1) + d);
    }
    for (const k of [...shifts].filter((k) => k >= 0)) {
      const body = concat(withName(m, "n".repeat(k)), tail);
      const r = ok(gunzip(body, MB));
      expect(r.members).toBe(3);
      expectBytes(r.bytes, want);
    }
  });
});

describe("gunzip: corrupt bodies", () => {
  const content = lines(0, 12);
  const member = nodeGz(content);

  it.each([
    ["text", bytes("hello\n")],
    ["zero bytes", new Uint8Array(8)],
    ["a lone 1f", new Uint8Array([0x1f])],
    ["magic then nothing", new Uint8Array([0x1f, 0x8b])],
    ["a second member's truncated header", nodeGz(content).subarray(0, 9)],
    ["a zlib stream", new Uint8Array(deflateSync(content))],
  ])("trailing garbage after a member: %s", (_, garbage) => {
    const r = gunzip(concat(member, garbage), MB);
    expect(r).toMatchObject({ ok: false, code: "corrupt_gzip" });
  });

  it("trailing garbage names the member and the offset", () => {
    const r = gunzip(concat(member, member, bytes("junk")), MB);
    expect(r).toEqual({
      ok: false,
      code: "corrupt_gzip",
      message: `4 bytes of trailing data after gzip member 2 (at byte ${2 * member.length}), which is not another gzip member`,
    });
  });

  it("truncated at every byte offset of a one-member body: never ok, never throws", () => {
    for (let k = 0; k < member.length; k++) {
      const r = gunzip(member.subarray(0, k), MB);
      // 0 or 1 bytes cannot even hold the magic: not gzip; anything longer is a cut member.
      expect([k, r.ok ? "ok" : r.code]).toEqual([k, k < 2 ? "not_gzip" : "corrupt_gzip"]);
    }
    expect(gunzip(member.subarray(0, member.length - 1), MB)).toEqual({
      ok: false,
      code: "corrupt_gzip",
      message: `gzip member 1 is truncated: the body ends at byte ${member.length - 1} before the member does`,
    });
  });

  it("truncated at every byte offset of a two-member body: ok only at the member boundary", () => {
    const second = pakoGz(lines(12, 14));
    const body = concat(member, second);
    for (let k = 2; k < body.length; k++) {
      const r = gunzip(body.subarray(0, k), MB);
      if (k === member.length) expect(ok(r).bytes).toEqual(content);
      else expect([k, r.ok ? "ok" : r.code]).toEqual([k, "corrupt_gzip"]);
    }
  });

  const flip = (body: Uint8Array, at: number, mask = 0xff) => {
    const b = body.slice();
    b[at] ^= mask;
    return b;
  };

  it.each([0, 1, 2, 3])("a flipped byte %i of the CRC-32 is refused", (i) => {
    const r = gunzip(flip(member, member.length - 8 + i), MB);
    expect(r).toMatchObject({
      ok: false,
      code: "corrupt_gzip",
      message: expect.stringMatching(/member 1 .*CRC-32 mismatch/),
    });
  });

  it.each([0, 1, 2, 3])("a flipped byte %i of the length (ISIZE) is refused", (i) => {
    const r = gunzip(flip(member, member.length - 4 + i), MB);
    expect(r).toMatchObject({
      ok: false,
      code: "corrupt_gzip",
      message: expect.stringMatching(/member 1 .*length mismatch/),
    });
  });

  it("a bad CRC in a later member is refused and named", () => {
    const body = concat(member, member, flip(member, member.length - 6));
    expect(gunzip(body, MB)).toMatchObject({
      ok: false,
      code: "corrupt_gzip",
      message: expect.stringMatching(/^gzip member 3 /),
    });
  });

  it("a bad compression method is refused", () => {
    expect(gunzip(flip(member, 2, 0x01), MB)).toMatchObject({ ok: false, code: "corrupt_gzip" });
  });

  it("random bit flips: never throws, and an accepted body still has the right content", () => {
    const body = concat(member, pakoGz(lines(12, 40)));
    const want = concat(content, lines(12, 40));
    const rand = rng(7);
    for (let i = 0; i < 3000; i++) {
      const at = Math.floor(rand() * body.length);
      const r = gunzip(flip(body, at, 1 << Math.floor(rand() * 8)), MB);
      // Only header bytes nothing checks (mtime, XFL, OS, FTEXT) may flip unnoticed.
      if (r.ok) expectBytes(r.bytes, want);
    }
  });
});

describe("gunzip: not gzip", () => {
  const content = lines(0, 5);
  it.each([
    ["an empty body", new Uint8Array(0)],
    ["plain log text", content],
    ["a zlib stream (pako.deflate)", pako.deflate(content)],
    ["a zlib stream (node deflateSync)", new Uint8Array(deflateSync(content))],
    ["raw deflate", new Uint8Array(deflateRawSync(content))],
    ["a lone 1f", new Uint8Array([0x1f])],
    ["1f then not 8b", new Uint8Array([0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 3])],
  ])("%s", (_, body) => {
    expect(gunzip(body, MB)).toMatchObject({ ok: false, code: "not_gzip" });
  });

  it("says what the body starts with", () => {
    expect(gunzip(pako.deflate(content), MB)).toEqual({
      ok: false,
      code: "not_gzip",
      message: "the body is not gzip: it starts with 78 9c, not the gzip magic bytes 1f 8b",
    });
  });
});

describe("gunzip: size limit", () => {
  it("a zip bomb (50 MB of zeros) against a 1 MB limit is refused quickly", () => {
    const bomb = nodeGz(new Uint8Array(50 * MB));
    expect(bomb.length).toBeLessThan(100_000);
    const t0 = performance.now();
    const r = gunzip(bomb, MB);
    const ms = performance.now() - t0;
    expect(r).toEqual({
      ok: false,
      code: "too_large",
      message: `the decompressed body exceeds the limit of ${MB} bytes`,
    });
    // Inflating all 50 MB would take far longer; stopping at the limit takes a few ms.
    expect(ms).toBeLessThan(500);
  });

  it("a multi-member bomb is refused once the members add up past the limit", () => {
    const m = nodeGz(new Uint8Array(MB));
    const body = concat(...Array.from({ length: 40 }, () => m));
    expect(gunzip(body, 5 * MB)).toMatchObject({ ok: false, code: "too_large" });
  });

  it.each([
    ["one member", [lines(0, 500)]],
    ["three members", [lines(0, 100), lines(100, 101), lines(101, 500)]],
    ["one empty member", [new Uint8Array(0)]],
  ])("%s of exactly maxBytes is accepted, one byte less is too large", (_, contents) => {
    const body = concat(...contents.map(nodeGz));
    const size = contents.reduce((n, c) => n + c.length, 0);
    expectBytes(ok(gunzip(body, size)).bytes, concat(...contents));
    if (size > 0) expect(gunzip(body, size - 1)).toMatchObject({ ok: false, code: "too_large" });
  });

  it("a forged size in the last 4 bytes does not make it allocate gigabytes", () => {
    // The body's last 4 bytes are read as a size hint; here they are garbage claiming 4 GB.
    const body = concat(nodeGz(lines(0, 5)), new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(gunzip(body, Number.MAX_SAFE_INTEGER)).toMatchObject({
      ok: false,
      code: "corrupt_gzip",
    });
  });

  it("an unreasonable maxBytes is treated as 0, without throwing", () => {
    const body = nodeGz(bytes("x"));
    expect(gunzip(body, Number.NaN)).toMatchObject({ ok: false, code: "too_large" });
    expect(gunzip(body, -1)).toMatchObject({ ok: false, code: "too_large" });
    expect(ok(gunzip(nodeGz(new Uint8Array(0)), -1)).bytes.length).toBe(0);
  });
});

describe("gunzipBody: the runtime's decoder first, gunzip() for the rest, the same results", () => {
  /** gunzipBody's result must be gunzip()'s: the same bytes, or the same code and message. */
  async function agrees(body: Uint8Array, max: number) {
    const want = gunzip(body, max);
    const got = await gunzipBody(body, max);
    if (want.ok && got.ok) expectBytes(got.bytes, want.bytes);
    else expect(got).toEqual(want);
    return got;
  }
  const content = lines(0, 12);
  const member = nodeGz(content);
  const flip = (body: Uint8Array, at: number, mask = 0xff) => {
    const b = body.slice();
    b[at] ^= mask;
    return b;
  };

  it.each<[string, Uint8Array]>([
    ["one member", member],
    ["one member of the whole fixture", nodeGz(bytes(logText))],
    ["one empty member", nodeGz(new Uint8Array(0))],
    ["one member with a gzip-tool FNAME header", withName(pakoGz(content), "access.log")],
    ["2 members", concat(member, pakoGz(lines(12, 20)))],
    ["an empty member, then one", concat(nodeGz(new Uint8Array(0)), member)],
    ["a member, then an empty one", concat(member, nodeGz(new Uint8Array(0)))],
    ["3 large members", concat(nodeGz(bytes(logText)), member, nodeGz(bytes(logText)))],
    ["trailing text", concat(member, bytes("junk"))],
    ["trailing zeros", concat(member, new Uint8Array(8))],
    ["a second member's truncated header", concat(member, member.subarray(0, 9))],
    ["a zlib stream after a member", concat(member, new Uint8Array(deflateSync(content)))],
    ["a flipped CRC byte", flip(member, member.length - 6)],
    ["a flipped ISIZE byte", flip(member, member.length - 2)],
    ["a bad CRC in a later member", concat(member, flip(member, member.length - 6))],
    ["a bad compression method", flip(member, 2, 0x01)],
    ["plain text", content],
    ["a zlib stream", pako.deflate(content)],
    ["an empty body", new Uint8Array(0)],
    ["a forged 4 GB size", concat(nodeGz(lines(0, 5)), new Uint8Array([0xff, 0xff, 0xff, 0xff]))],
  ])("%s", async (_, body) => {
    await agrees(body, 16 * MB);
  });

  it("a subarray view with a byteOffset", async () => {
    const padded = concat(bytes("xxxx"), member, bytes("yyyy"));
    await agrees(padded.subarray(4, 4 + member.length), MB);
  });

  it("truncated at every byte offset, one member and two", async () => {
    const two = concat(member, pakoGz(lines(12, 14)));
    for (let k = 0; k < two.length; k++) await agrees(two.subarray(0, k), MB);
  });

  it("member ends on and around every edge of the 16 KB input it feeds the decoder", async () => {
    // A member's end sweeps across the decoder's input slices byte by byte (its FNAME padded by
    // k), alone and followed by another member.
    const big = lines(0, 2000);
    const m = nodeGz(big);
    for (const edge of [2 * GUNZIP_INPUT_SLICE, 3 * GUNZIP_INPUT_SLICE]) {
      for (let d = -24; d <= 24; d++) {
        const k = edge - (m.length + 1) + d;
        if (k < 0) continue;
        const one = withName(m, "n".repeat(k));
        expect((await agrees(one, MB)).ok).toBe(true);
        expect((await agrees(concat(one, member), MB)).ok).toBe(true);
      }
    }
  });

  it("random bit flips", async () => {
    const body = nodeGz(lines(0, 40));
    const rand = rng(11);
    for (let i = 0; i < 500; i++) {
      const at = Math.floor(rand() * body.length);
      await agrees(flip(body, at, 1 << Math.floor(rand() * 8)), MB);
    }
  });

  it("takes the decoder's output when its length is the body's ISIZE, else reads the members", async () => {
    // Node's DecompressionStream gives no byte stream, so gunzipBody leaves it to gunzip(). A
    // stand-in that does, joins members (as Node's decoder does) and marks its output tells
    // which path gave a result.
    class Marking {
      readonly writable: WritableStream<Uint8Array>;
      readonly readable: ReadableStream<Uint8Array>;
      constructor() {
        const parts: Uint8Array[] = [];
        let out = new Uint8Array(0);
        let at = 0;
        let closed = () => {};
        const written = new Promise<void>((r) => {
          closed = r;
        });
        this.writable = new WritableStream({
          write: (c) => void parts.push(c.slice()),
          close: () => {
            out = new Uint8Array(gunzipSync(concat(...parts)));
            out[0] = 0x21; // "!"
            closed();
          },
        });
        this.readable = new ReadableStream({
          type: "bytes",
          async pull(c) {
            await written;
            const request = c.byobRequest!;
            if (at === out.length) {
              c.close();
              request.respond(0);
              return;
            }
            const view = request.view!;
            const n = Math.min(view.byteLength, out.length - at, 1000);
            new Uint8Array(view.buffer, view.byteOffset, n).set(out.subarray(at, at + n));
            at += n;
            request.respond(n);
          },
        });
      }
    }
    vi.stubGlobal("DecompressionStream", Marking);
    try {
      const one = ok(await gunzipBody(member, MB));
      expect(String.fromCharCode(one.bytes[0])).toBe("!");
      expect(one.bytes.length).toBe(content.length);
      const two = ok(await gunzipBody(concat(member, member), MB));
      expectBytes(two.bytes, concat(content, content));
      expect(await gunzipBody(member, content.length - 1)).toMatchObject({ code: "too_large" });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("the size limit: a bomb, members adding up past it, exactly at it", async () => {
    await agrees(nodeGz(new Uint8Array(50 * MB)), MB);
    await agrees(concat(...Array.from({ length: 40 }, () => nodeGz(new Uint8Array(MB)))), 5 * MB);
    const body = nodeGz(lines(0, 500));
    const size = lines(0, 500).length;
    expect((await agrees(body, size)).ok).toBe(true);
    expect(await agrees(body, size - 1)).toMatchObject({ ok: false, code: "too_large" });
    await agrees(body, Number.NaN);
    await agrees(body, -1);
  });
});
