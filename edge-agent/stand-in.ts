/**
 * A line longer than the worker takes in one chunk (its `maxChunkBytes`) cannot be sent: a chunk
 * holds whole lines, and the worker checks that its body is exactly the range's bytes. Skipping it
 * would leave a hole in the source's ranges, and exactly-once needs them contiguous. So its range
 * is sent as it is, cut into pieces of at most the limit, each with a *stand-in* body: the same
 * number of bytes, one line saying what it stands for, padded with spaces, ending with a newline.
 * No log format parses it: the worker counts each piece as a rejected line, keeps it among the
 * rejected samples, and records the receipt as for any chunk. The body depends on the range alone,
 * so a piece sent again after a crash is the very same chunk ("already-applied"), and an agent that
 * lost its state recognises the pieces the worker holds by their hash (`standInSha`).
 */
import { createHash } from "node:crypto";

const SPACES = Buffer.alloc(64 * 1024, 0x20);

/** The stand-in of bytes [start, end) of a log, in pieces (at most 64 KiB each). */
export function* standInBytes(start: number, end: number): Generator<Buffer> {
  const length = end - start;
  const text = Buffer.from(
    `vigie-agent: bytes ${start}-${end} of this log are part of a line longer than the worker takes in one chunk; not sent`,
  ).subarray(0, length - 1);
  yield text;
  for (let left = length - 1 - text.length; left > 0; left -= SPACES.length)
    yield SPACES.subarray(0, Math.min(left, SPACES.length));
  yield Buffer.from("\n");
}

/** sha-256 (hex) of the stand-in of bytes [start, end): what the worker's receipt of that piece holds. */
export function standInSha(start: number, end: number): string {
  const hash = createHash("sha256");
  for (const piece of standInBytes(start, end)) hash.update(piece);
  return hash.digest("hex");
}
