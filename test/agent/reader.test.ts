import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import {
  gzipChunks,
  rawLimitFor,
  type ChunkOptions,
  type ChunksEnd,
} from "../../edge-agent/chunker";
import { standInBytes, standInSha } from "../../edge-agent/stand-in";
import type { LogSpec } from "../../edge-agent/config";
import { nodeDeps } from "../../edge-agent/deps";
import { discover, isRotatedSibling } from "../../edge-agent/discover";
import { expandGlob, segmentRegExp } from "../../edge-agent/glob";
import {
  openReader,
  openSourceFile,
  sourceIdOf,
  SourceShrank,
  type ByteReader,
  type OpenedFile,
} from "../../edge-agent/source-file";
import { rng } from "../random";
import { removeTempDirs, tempDir } from "./temp";

const FIXTURE = new URL("../fixtures/semicomplete-2015-05.combined.log", import.meta.url);
const log = readFileSync(FIXTURE);
const spec: LogSpec = { path: "/x", backfill: false };
const tmp = () => tempDir("reader");
afterAll(removeTempDirs);

/** A reader over a buffer that hands out at most `step` bytes per read. */
function bufferReader(bytes: Buffer, start: number, step: number): ByteReader {
  let at = start;
  return {
    async read(buf, offset, length) {
      const n = Math.min(length, step, bytes.length - at);
      bytes.copy(buf, offset, at, at + n);
      at += n;
      return n;
    },
    close() {},
  };
}

/** Every chunk, its body gunzipped (and its raw sha-256 checked). */
async function collect(
  reader: ByteReader,
  start: number,
  size: number | ChunkOptions,
  firstEnd?: number,
) {
  const chunks: { start: number; end: number; text: Buffer; gz: number; standIn?: true }[] = [];
  const options = typeof size === "number" ? { size, firstEnd } : size;
  const gen = gzipChunks(reader, start, options);
  for (let r = await gen.next(); ; r = await gen.next()) {
    if (r.done) return { chunks, end: r.value as ChunksEnd };
    const text = gunzipSync(r.value.body);
    expect(r.value.rawSha256).toBe(createHash("sha256").update(text).digest("hex"));
    expect(text.length).toBe(r.value.end - r.value.start);
    const { start: s, end, standIn } = r.value;
    chunks.push({ start: s, end, text, gz: r.value.body.length, standIn });
  }
}

async function opened(path: string, live = true): Promise<OpenedFile> {
  return openSourceFile((p) => open(p, "r"), { path, spec, live });
}

async function readAll(file: OpenedFile, start: number): Promise<Buffer> {
  const reader = openReader(file, start);
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(100_000);
  for (
    let n = await reader.read(buf, 0, buf.length);
    n > 0;
    n = await reader.read(buf, 0, buf.length)
  )
    parts.push(Buffer.from(buf.subarray(0, n)));
  reader.close();
  return Buffer.concat(parts);
}

describe("gzipChunks", () => {
  const sample = log.subarray(0, 300_000);
  const lastNl = sample.lastIndexOf(10) + 1;

  it.each([
    [4096, 1],
    [4096, 977],
    [65_536, 100_000],
    [300_000, 7],
    [1 << 20, 65_536],
  ])(
    "size %i, reads of %i bytes: whole lines, each ≤ size, covering every byte up to the last newline",
    async (size, step) => {
      const { chunks, end } = await collect(bufferReader(sample, 0, step), 0, size);
      expect(Buffer.concat(chunks.map((c) => c.text)).equals(sample.subarray(0, lastNl))).toBe(
        true,
      );
      for (const [i, c] of chunks.entries()) {
        expect(c.end - c.start).toBeLessThanOrEqual(size);
        expect(c.text.length).toBe(c.end - c.start);
        expect(c.text.at(-1)).toBe(10);
        if (i > 0) expect(c.start).toBe(chunks[i - 1].end);
      }
      expect(end).toEqual({ end: lastNl, trailing: sample.length - lastNl });
    },
  );

  it("starts mid-file, and cuts the first chunk exactly where a re-sent range ended", async () => {
    const start = sample.indexOf(10) + 1;
    const firstEnd = sample.indexOf(10, 50_000) + 1;
    const { chunks } = await collect(bufferReader(sample, start, 5000), start, 8192, firstEnd);
    expect([chunks[0].start, chunks[0].end]).toEqual([start, firstEnd]);
    expect(chunks[1].end - chunks[1].start).toBeLessThanOrEqual(8192);
    expect(Buffer.concat(chunks.map((c) => c.text)).equals(sample.subarray(start, lastNl))).toBe(
      true,
    );
  });

  describe("a line longer than a chunk (issue 18: it used to stop its file, exit 6, every run)", () => {
    const head = sample.subarray(0, sample.indexOf(10, 20_000) + 1);
    const tail = sample.subarray(head.length, sample.indexOf(10, 60_000) + 1);
    const file = (line: Buffer) => Buffer.concat([head, line, tail]);

    it("up to the worker's limit: a chunk of its own holding the whole line, streamed; the file goes on", async () => {
      const line = Buffer.from(`${"a".repeat(30_000)}\n`);
      const bytes = file(line);
      const { chunks, end } = await collect(bufferReader(bytes, 0, 977), 0, {
        size: 4096,
        max: 40_000,
      });
      const own = chunks.find((c) => c.start === head.length)!;
      expect([own.end, own.standIn]).toEqual([head.length + line.length, undefined]);
      expect(own.text.equals(line)).toBe(true);
      expect(Buffer.concat(chunks.map((c) => c.text)).equals(bytes)).toBe(true);
      expect(chunks.filter((c) => c !== own).every((c) => c.end - c.start <= 4096)).toBe(true);
      expect(end).toEqual({ end: bytes.length, trailing: 0 });
    });

    it("past the worker's limit: its range goes as stand-in pieces of at most the limit, contiguous, each one rejected line", async () => {
      const line = Buffer.from(`${"b".repeat(100_000)}\n`);
      const bytes = file(line);
      const { chunks } = await collect(bufferReader(bytes, 0, 5000), 0, {
        size: 4096,
        max: 40_000,
      });
      for (const [i, c] of chunks.entries()) if (i > 0) expect(c.start).toBe(chunks[i - 1].end);
      expect(chunks.at(-1)!.end).toBe(bytes.length);
      const pieces = chunks.filter((c) => c.standIn);
      const [a, b] = [head.length, head.length + line.length];
      expect(pieces.map((c) => [c.start, c.end])).toEqual([
        [a, a + 40_000],
        [a + 40_000, a + 80_000],
        [a + 80_000, b],
      ]);
      for (const p of pieces) {
        expect(p.text.toString()).toMatch(
          new RegExp(
            `^vigie-agent: bytes ${p.start}-${p.end} of this log are part of a line longer than the worker takes in one chunk; not sent +\n$`,
          ),
        );
        expect(createHash("sha256").update(p.text).digest("hex")).toBe(standInSha(p.start, p.end));
      }
      const rest = chunks.filter((c) => !c.standIn);
      expect(Buffer.concat(rest.map((c) => c.text)).equals(Buffer.concat([head, tail]))).toBe(true);
    });

    it("a run that starts inside such a line (an earlier run sent its first pieces) sends the rest as stand-ins; a piece in flight is sent again as the same stand-in", async () => {
      const line = Buffer.from(`${"c".repeat(100_000)}\n`);
      const bytes = file(line);
      const from = head.length + 40_000;
      const inside = await collect(bufferReader(bytes, from, 3000), from, {
        size: 4096,
        max: 40_000,
        midLine: true,
      });
      expect(inside.chunks.slice(0, 2).map((c) => [c.start, c.end, c.standIn])).toEqual([
        [from, from + 40_000, true],
        [from + 40_000, head.length + line.length, true],
      ]);
      const again = await collect(bufferReader(bytes, from, 3000), from, {
        size: 4096,
        max: 40_000,
        firstEnd: from + 40_000,
        firstStandIn: true,
      });
      expect(again.chunks.slice(0, 2).map((c) => [c.start, c.end, c.standIn])).toEqual(
        inside.chunks.slice(0, 2).map((c) => [c.start, c.end, c.standIn]),
      );
      expect(again.chunks[0].text.equals(inside.chunks[0].text)).toBe(true);
    });

    it("a long line not finished yet waits for a later run, even past the limit", async () => {
      const open = Buffer.concat([head, Buffer.from("d".repeat(100_000))]);
      const { chunks, end } = await collect(bufferReader(open, 0, 4096), 0, {
        size: 4096,
        max: 40_000,
      });
      expect(chunks.at(-1)!.end).toBe(head.length);
      expect(end).toEqual({ end: head.length, trailing: 100_000 });
    });

    it("a stand-in is exactly its range's length, whatever that is", () => {
      for (const [a, b] of [
        [0, 1],
        [5, 40],
        [7, 70_000],
        [1000, 200_000],
      ]) {
        const text = Buffer.concat([...standInBytes(a, b)]);
        expect(text.length).toBe(b - a);
        expect(text.at(-1)).toBe(10);
        expect(text.indexOf(10)).toBe(b - a - 1);
      }
    });
  });

  it("nothing but a partial line: nothing to send", async () => {
    expect(
      await collect(bufferReader(Buffer.from("1.2.3.4 - - [17/May"), 0, 100), 0, 4096),
    ).toEqual({ chunks: [], end: { end: 0, trailing: 19 } });
  });

  it("lines longer than the read buffer are kept whole; the gzip of a raw limit never passes the body limit", async () => {
    const long = Buffer.concat([Buffer.from(`${"x".repeat(700_000)}\n`), sample]);
    const { chunks } = await collect(bufferReader(long, 0, 65_536), 0, 1 << 20);
    expect(chunks[0].text.subarray(0, 700_001).equals(long.subarray(0, 700_001))).toBe(true);
    expect(
      Buffer.concat(chunks.map((c) => c.text)).equals(long.subarray(0, long.lastIndexOf(10) + 1)),
    ).toBe(true);
    // Random bytes do not compress: the worst case of the limit.
    const max = 200_000;
    const rand = rng(3);
    const noise = Buffer.from(
      Array.from({ length: rawLimitFor(max) }, () => Math.floor(rand() * 256)).map((b) =>
        b === 10 ? 11 : b,
      ),
    );
    noise[noise.length - 1] = 10;
    const {
      chunks: [c],
    } = await collect(bufferReader(noise, 0, 1 << 20), 0, rawLimitFor(max));
    expect(c.end).toBe(rawLimitFor(max));
    expect(c.gz).toBeGreaterThan(c.end * 0.99);
    expect(c.gz).toBeLessThanOrEqual(max);
  });
});

describe("source files", () => {
  const firstLine = log.subarray(0, log.indexOf(10) + 1);

  it("a file's identity is its first line's hash; the gzip of the same bytes is the same source, offsets decompressed", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "access.log"), log);
    // Multi-member gzip, as `cat a.gz b.gz` makes: every member is read.
    const cut = log.indexOf(10, 1_000_000) + 1;
    writeFileSync(
      join(dir, "access.log.1.gz"),
      Buffer.concat([gzipSync(log.subarray(0, cut)), gzipSync(log.subarray(cut))]),
    );
    const plain = await opened(join(dir, "access.log"));
    const gz = await opened(join(dir, "access.log.1.gz"), false);
    expect(plain.gz).toBe(false);
    expect(gz.gz).toBe(true);
    expect(plain.sourceId).toBe(sourceIdOf(firstLine));
    expect(gz.sourceId).toBe(plain.sourceId);
    expect((await readAll(gz, 0)).equals(log)).toBe(true);
    const offset = log.indexOf(10, 1_500_000) + 1;
    expect((await readAll(gz, offset)).equals(log.subarray(offset))).toBe(true);
    expect((await readAll(plain, offset)).equals(log.subarray(offset))).toBe(true);
    for (const f of [plain, gz]) await f.fh.close();
  });

  it("gzip is recognised by its magic bytes, whatever the name; a truncated one or one shorter than the checkpoint fails clearly", async () => {
    const dir = tmp();
    const gz = gzipSync(log);
    writeFileSync(join(dir, "access.log"), gz);
    writeFileSync(join(dir, "cut.gz"), gz.subarray(0, gz.length >> 1));
    const f = await opened(join(dir, "access.log"));
    expect(f.gz).toBe(true);
    await expect(readAll(f, log.length + 10)).rejects.toThrow(
      new SourceShrank(
        `decompresses to ${log.length} bytes, fewer than the ${log.length + 10} already shipped`,
        log.length,
      ),
    );
    const cut = await opened(join(dir, "cut.gz"));
    expect(cut.sourceId).toBe(sourceIdOf(firstLine));
    await expect(readAll(cut, 0)).rejects.toThrow(/corrupt or truncated/);
    for (const h of [f, cut]) await h.fh.close();
  });

  it("no whole first line yet: no identity (the file waits)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.log"), "83.149.9.216 - - [17/May/2015");
    writeFileSync(join(dir, "empty.log"), "");
    for (const name of ["a.log", "empty.log"]) {
      const f = await opened(join(dir, name));
      expect(f.sourceId).toBeNull();
      await f.fh.close();
    }
  });
});

describe("finding files", () => {
  it.each([
    ["*.log", "access.log", true],
    ["*.log", ".hidden.log", false],
    ["access.log.?", "access.log.1", true],
    ["access.log.?", "access.log.10", false],
    ["[ab]*", "b.log", true],
    ["[!ab]*", "b.log", false],
    ["site-[0-9].log", "site-7.log", true],
    ["a+b(1).log", "a+b(1).log", true],
    ["*", "x", true],
  ])("%s matches %s: %s", (pattern, name, match) => {
    expect(segmentRegExp(pattern).test(name)).toBe(match);
  });

  it.each([
    ["access.log", "access.log.1", true],
    ["access.log", "access.log.2.gz", true],
    ["access.log", "access.log-20250101", true],
    ["access.log", "access.log-20250101.gz", true],
    ["access.log", "access.log-2025010112", true],
    ["access.log", "access.log.old", false],
    ["access.log", "access.log.1.bak", false],
    ["access.log", "access.log", false],
    ["access.log", "error.log.1", false],
  ])("%s: %s is a rotated sibling: %s", (live, name, yes) => {
    expect(isRotatedSibling(live, name)).toBe(yes);
  });

  it("expands globs in any segment and lists live files with their rotated siblings", async () => {
    const dir = tmp();
    for (const d of ["a", "b", "c"]) mkdirSync(join(dir, d));
    for (const f of [
      "a/x.access.log",
      "a/x.access.log.1",
      "a/x.access.log.2.gz",
      "b/y.access.log",
      "b/y.access.log-20250101",
      "b/error.log",
      "c/notes.txt",
    ])
      writeFileSync(join(dir, f), "");
    const fs = nodeDeps().fs;
    expect(await expandGlob(fs, `${dir}/*/*.access.log`)).toEqual([
      `${dir}/a/x.access.log`,
      `${dir}/b/y.access.log`,
    ]);
    expect(await expandGlob(fs, `${dir}/nothere/*.log`)).toEqual([]);
    const found = await discover(fs, [
      { glob: `${dir}/*/*.access.log`, backfill: false },
      { glob: `${dir}/*/*.nothing`, backfill: false },
      { path: `${dir}/c/notes.txt`, backfill: false },
    ]);
    expect(found.candidates.map((c) => [c.path.slice(dir.length + 1), c.live])).toEqual([
      ["a/x.access.log", true],
      ["b/y.access.log", true],
      ["c/notes.txt", true],
      ["a/x.access.log.1", false],
      ["a/x.access.log.2.gz", false],
      ["b/y.access.log-20250101", false],
    ]);
    expect(found.missing).toEqual([`${dir}/*/*.nothing`]);
  });
});

describe("seeded: any read sizes and chunk sizes give the same bytes", () => {
  it("20 random splits", async () => {
    const rand = rng(4);
    for (let i = 0; i < 20; i++) {
      const size = 4096 + Math.floor(rand() * 200_000);
      const step = 1 + Math.floor(rand() * 300_000);
      const { chunks, end } = await collect(bufferReader(log, 0, step), 0, size);
      expect(chunks.reduce((n, c) => n + c.text.length, 0)).toBe(log.length);
      expect(end.end).toBe(log.length);
    }
  });
});
