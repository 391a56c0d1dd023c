/**
 * Cuts a byte stream into chunks of whole lines, each at most `size` bytes, in one reused buffer:
 * memory is `size` whatever the file's length. The bytes after the last newline (a line still
 * being written) are not yielded: they wait for a later run.
 */
import type { ByteReader } from "./source-file";

export interface Chunk {
  /** Offsets in the source: bytes [start, end). */
  start: number;
  end: number;
  /** A view into the reused buffer: valid until the next chunk is asked for. */
  bytes: Buffer;
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

/** The source holds fewer bytes than a range that was already cut from it. */
export class SourceShrank extends Error {
  override name = "SourceShrank";
}

/**
 * Yields whole-line chunks from `reader`, which is positioned at byte `start`. With `firstEnd`,
 * the first chunk is exactly [start, firstEnd) (a range being re-sent after a crash).
 */
export async function* lineChunks(reader: ByteReader, start: number, size: number, firstEnd?: number): AsyncGenerator<Chunk, ChunksEnd> {
  const buf = Buffer.allocUnsafe(Math.max(size, firstEnd === undefined ? 0 : firstEnd - start));
  let fill = 0;
  let pos = start;
  let eof = false;
  let forced = firstEnd;
  for (;;) {
    const target = forced === undefined ? size : forced - pos;
    while (!eof && fill < target) {
      const n = await reader.read(buf, fill, target - fill);
      if (n === 0) eof = true;
      else fill += n;
    }
    let cut: number;
    if (forced !== undefined) {
      if (fill < target) throw new SourceShrank(`holds only ${pos + fill} bytes, but bytes up to ${forced} were already sent`);
      cut = target;
      forced = undefined;
    } else {
      cut = fill === 0 ? 0 : buf.lastIndexOf(10, fill - 1) + 1;
      if (cut === 0) {
        if (fill >= size) throw new LineTooLong(`a line at byte ${pos} is longer than the largest chunk (${size} bytes)`);
        return { end: pos, trailing: fill };
      }
    }
    yield { start: pos, end: pos + cut, bytes: buf.subarray(0, cut) };
    buf.copyWithin(0, cut, fill);
    fill -= cut;
    pos += cut;
  }
}
