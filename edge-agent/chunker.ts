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
 */
import { createHash } from "node:crypto";
import { createGzip } from "node:zlib";
import { type ByteReader, SourceShrank } from "./source-file";

export interface GzipChunk {
  /** Offsets in the source: bytes [start, end). */
  start: number;
  end: number;
  /** gzip of those bytes; valid until the next chunk is asked for (its memory is then reused). */
  body: Buffer;
  /** sha-256 (hex) of the raw bytes: the same range re-read later must give the same. */
  rawSha256: string;
}

export interface ChunksEnd {
  /** Offset just past the last whole line. */
  end: number;
  /** Bytes after it (an unfinished last line). */
  trailing: number;
}

/** A line longer than the largest chunk cannot be sent whole. */
export class LineTooLong extends Error {
  override name = "LineTooLong";
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
  size: number,
  firstEnd?: number,
): AsyncGenerator<GzipChunk, ChunksEnd> {
  let buf = Buffer.allocUnsafe(Math.min(READ_BYTES, size));
  let fill = 0;
  let eof = false;
  let pos = start;
  let forced = firstEnd;
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

  for (;;) {
    const room = forced === undefined ? size : forced - pos;
    const c = new Compressor(out);
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
            // No whole line fits in what is read: end the chunk, wait for more, or give up.
            if (fill >= want) {
              if (c.fed === 0)
                throw new LineTooLong(
                  `a line at byte ${pos} is longer than the largest chunk (${size} bytes)`,
                );
              break;
            }
            if (eof) break;
            await read();
            continue;
          }
        }
        await c.feed(buf.subarray(0, take));
        buf.copyWithin(0, take, fill);
        fill -= take;
        pos += take;
      }
    } catch (e) {
      c.close();
      throw e;
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
