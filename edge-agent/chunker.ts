/**
 * Cuts a byte stream into chunks of whole lines, each at most `size` bytes, and gzips each one as
 * it is read: whole lines go into the compressor as soon as they are read, so memory is a small
 * read buffer plus one chunk's *compressed* bytes, whatever the chunk size. The bytes after the
 * last newline (a line still being written) are not sent: they wait for a later run.
 *
 * The compressed bytes of every chunk go into one buffer, reused from chunk to chunk. A buffer per
 * chunk (gzip pieces joined by Buffer.concat) is garbage as soon as the chunk is sent, but V8 frees
 * a buffer's memory only when its small JS heap needs collecting: several chunks' worth piled up
 * meanwhile: ~8 MB of the agent's peak RSS with 10 MiB chunks.
 *
 * A line longer than `size` is sent alone, in a chunk of its own, when it fits the worker's limit
 * (`max`): `size` is the agent's choice, only `max` is the worker's. It is streamed into the
 * compressor, never held whole. A line longer than `max` cannot be sent: its range goes as
 * stand-in pieces (stand-in.ts), and the file goes on after it.
 */
import { createHash } from "node:crypto";
import { createGzip } from "node:zlib";
import { type ByteReader, SourceShrank } from "./source-file";
import { standInBytes } from "./stand-in";

export interface GzipChunk {
  /** Offsets in the source: bytes [start, end). */
  start: number;
  end: number;
  /** gzip of those bytes; valid until the next chunk is asked for (its memory is then reused). */
  body: Buffer;
  /** sha-256 (hex) of the raw bytes: the same range re-read later must give the same. */
  rawSha256: string;
  /** The body is a stand-in (stand-in.ts), and `rawSha256` its hash. */
  standIn?: true;
  /**
   * With a stand-in cut in this run: the line too long to send, or the part of it this run went
   * through (`continued`: from where an earlier run stopped inside it).
   */
  longLine?: { start: number; end: number; continued: boolean };
}

export interface ChunkOptions {
  /** Largest chunk, raw bytes: whole lines up to this go together. */
  size: number;
  /** The worker's limit, raw bytes (≥ size): a longer line goes as stand-ins. Default `size`. */
  max?: number;
  /** The first chunk is exactly [start, firstEnd) (a range in flight, sent again)… */
  firstEnd?: number;
  /** …and was sent as a stand-in. */
  firstStandIn?: boolean;
  /** `start` is inside a line (after a stand-in piece that did not end it). */
  midLine?: boolean;
}

export interface ChunksEnd {
  /** Offset just past the last whole line. */
  end: number;
  /** Bytes after it (an unfinished last line). */
  trailing: number;
}

/** Bytes read at a time; the buffer grows past it only for a longer line. */
export const READ_BYTES = 256 * 1024;

/**
 * The largest raw chunk whose gzip cannot exceed `maxBody` bytes, even for incompressible bytes
 * (zlib's deflateBound: stored blocks cost 5 bytes per 16 KiB, plus the gzip header and trailer).
 */
export function rawLimitFor(maxBody: number): number {
  return Math.floor(((maxBody - 64) * 16384) / 16390);
}

/** Bytes appended into one buffer that grows as needed and is reused by `clear`. */
class Output {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  append(bytes: Buffer): void {
    const need = this.length + bytes.length;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    bytes.copy(this.buf, this.length);
    this.length = need;
  }

  /** The bytes so far: a view, overwritten once `clear` is called and bytes are appended again. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

/** One chunk being compressed into `out`; `feed` resolves once zlib has taken the bytes (the buffer is free again). */
class Compressor {
  private readonly gzip = createGzip();
  private readonly hash = createHash("sha256");
  private readonly ended: Promise<void>;
  fed = 0;

  constructor(private readonly out: Output) {
    out.clear();
    this.gzip.on("data", (d: Buffer) => out.append(d));
    this.ended = new Promise((resolve, reject) => {
      this.gzip.once("end", resolve);
      this.gzip.once("error", reject);
    });
  }

  feed(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    this.fed += bytes.length;
    return new Promise((resolve, reject) =>
      this.gzip.write(bytes, (e) => (e ? reject(e) : resolve())),
    );
  }

  async finish(): Promise<{ body: Buffer; rawSha256: string }> {
    this.gzip.end();
    await this.ended;
    return { body: this.out.bytes(), rawSha256: this.hash.digest("hex") };
  }

  /** A chunk abandoned half-way (an error while reading): free zlib's memory. */
  close(): void {
    this.gzip.destroy();
  }
}

/**
 * Yields gzipped whole-line chunks from `reader`, which is positioned at byte `start`. With
 * `firstEnd`, the first chunk is exactly [start, firstEnd) (a range being re-sent after a crash).
 */
export async function* gzipChunks(
  reader: ByteReader,
  start: number,
  options: ChunkOptions,
): AsyncGenerator<GzipChunk, ChunksEnd> {
  const { size } = options;
  const max = Math.max(size, options.max ?? size);
  let buf = Buffer.allocUnsafe(Math.min(READ_BYTES, size));
  let fill = 0;
  let eof = false;
  let pos = start;
  let forced = options.firstEnd;
  let midLine = options.midLine === true;
  const out = new Output();

  const read = async (): Promise<void> => {
    if (fill === buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, Math.max(size, buf.length + 1)));
      buf.copy(bigger, 0, 0, fill);
      buf = bigger;
    }
    const n = await reader.read(buf, fill, buf.length - fill);
    if (n === 0) eof = true;
    else fill += n;
  };
  /** Drops the buffer's first `n` bytes (consumed). */
  const consume = (n: number) => {
    buf.copyWithin(0, n, fill);
    fill -= n;
  };

  const standIn = async (
    a: number,
    b: number,
    longLine?: GzipChunk["longLine"],
  ): Promise<GzipChunk> => {
    const c = new Compressor(out);
    for (const piece of standInBytes(a, b)) await c.feed(piece);
    const { body, rawSha256 } = await c.finish();
    return { start: a, end: b, body, rawSha256, standIn: true, longLine };
  };

  /**
   * The line at `pos` is longer than `size` (or `pos` is inside a line): streamed into a chunk of
   * its own while it fits `max`, else sent as stand-ins. Returns the end when the line is not
   * finished yet (it waits for a later run).
   */
  async function* longLine(continued: boolean): AsyncGenerator<GzipChunk, ChunksEnd | null> {
    const lineStart = pos;
    let seen = 0;
    let c: Compressor | null = continued ? null : new Compressor(out);
    for (;;) {
      if (fill === 0) {
        if (eof) {
          c?.close();
          return { end: lineStart, trailing: seen };
        }
        await read();
        continue;
      }
      const nl = buf.subarray(0, fill).indexOf(10);
      const take = nl >= 0 ? nl + 1 : fill;
      if (c !== null && seen + take > max) {
        c.close();
        c = null;
      }
      try {
        if (c !== null) await c.feed(buf.subarray(0, take));
      } catch (e) {
        c?.close();
        throw e;
      }
      consume(take);
      seen += take;
      if (nl >= 0) break;
    }
    pos = lineStart + seen;
    if (c !== null) {
      const { body, rawSha256 } = await c.finish();
      yield { start: lineStart, end: pos, body, rawSha256 };
      return null;
    }
    const line = { start: lineStart, end: pos, continued };
    for (let a = lineStart; a < pos; a += max) yield await standIn(a, Math.min(pos, a + max), line);
    return null;
  }

  if (forced !== undefined && options.firstStandIn) {
    // A stand-in sent again: its bytes are only skipped; whether it ended its line, said by its last.
    let last = 10;
    while (pos < forced) {
      if (fill === 0) {
        if (eof)
          throw new SourceShrank(
            `holds only ${pos} bytes, but bytes up to ${forced} were already sent`,
            pos,
          );
        await read();
        continue;
      }
      const take = Math.min(fill, forced - pos);
      last = buf[take - 1];
      consume(take);
      pos += take;
    }
    yield await standIn(start, forced);
    midLine = last !== 10;
    forced = undefined;
  }

  for (;;) {
    if (midLine) {
      midLine = false;
      const unfinished = yield* longLine(true);
      if (unfinished) return unfinished;
      continue;
    }
    const room = forced === undefined ? size : forced - pos;
    const c = new Compressor(out);
    let tooLong = false;
    try {
      while (c.fed < room) {
        const want = room - c.fed;
        let take: number;
        if (forced !== undefined) {
          if (fill === 0) {
            if (eof)
              throw new SourceShrank(
                `holds only ${pos} bytes, but bytes up to ${forced} were already sent`,
                pos,
              );
            await read();
            continue;
          }
          take = Math.min(fill, want);
        } else {
          const window = Math.min(fill, want);
          take = window === 0 ? 0 : buf.lastIndexOf(10, window - 1) + 1;
          if (take === 0) {
            // No whole line fits in what is read: end the chunk, wait for more, or a long line.
            if (fill >= want) {
              tooLong = c.fed === 0;
              break;
            }
            if (eof) break;
            await read();
            continue;
          }
        }
        await c.feed(buf.subarray(0, take));
        consume(take);
        pos += take;
      }
    } catch (e) {
      c.close();
      throw e;
    }
    if (tooLong) {
      c.close();
      const unfinished = yield* longLine(false);
      if (unfinished) return unfinished;
      continue;
    }
    if (c.fed === 0) {
      c.close();
      return { end: pos, trailing: fill };
    }
    forced = undefined;
    const { body, rawSha256 } = await c.finish();
    yield { start: pos - c.fed, end: pos, body, rawSha256 };
  }
}
