/**
 * A log file opened once per run (so a rename meanwhile does not matter), its identity, and a
 * reader of its bytes from an offset. A gzip file (recognised by its magic bytes, whatever its
 * name) is read through a streaming gunzip and its offsets are those of the decompressed bytes,
 * so `access.log.1` and the `access.log.1.gz` it becomes are one source at the same offsets.
 *
 * Identity (the source id sent to the worker) is the sha-256 of the first line. Not the path: it
 * changes at every rotation. Not the inode either: compressing a rotated file, or logrotate's
 * `copytruncate` copy, gives the same content a new inode. Device and inode are kept locally to
 * notice a file truncated under the same name.
 */
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { Candidate } from "./discover";

/** The identity hashes at most this much of a first line (a longer line still identifies its file). */
export const IDENTITY_MAX_BYTES = 64 * 1024;
const READ_SLICE = 256 * 1024;

export interface OpenedFile extends Candidate {
  fh: FileHandle;
  dev: number;
  ino: number;
  /** On disk (compressed size for gzip). */
  size: number;
  mtimeMs: number;
  gz: boolean;
  /** null until the file holds a whole first line. */
  sourceId: string | null;
  /** Bytes the identity hashes (the first line, at most IDENTITY_MAX_BYTES). */
  identityBytes: number;
}

export interface ByteReader {
  /** Reads up to `length` bytes into `buf` at `offset`; 0 at the end. */
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  close(): void;
}

/** A file of the source cannot be read as the source: corrupt gzip, changed in place. */
export class SourceReadError extends Error {
  override name = "SourceReadError";
}

/** The file holds fewer bytes of its source (`size`) than were already cut from it. */
export class SourceShrank extends Error {
  override name = "SourceShrank";
  constructor(
    message: string,
    readonly size: number,
  ) {
    super(message);
  }
}

export function sourceIdOf(firstLine: Uint8Array): string {
  return `fl1-${createHash("sha256").update(firstLine).digest("hex").slice(0, 32)}`;
}

export async function openSourceFile(
  open: (p: string) => Promise<FileHandle>,
  c: Candidate,
): Promise<OpenedFile> {
  const fh = await open(c.path);
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw Object.assign(new Error(`${c.path} is not a regular file`), { code: "ENOTFILE" });
    const head = Buffer.alloc(Math.min(st.size, IDENTITY_MAX_BYTES));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const gz = bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    const id = gz ? await gzipIdentity(fh) : identityOf(head.subarray(0, bytesRead), st.size);
    return {
      ...c,
      fh,
      dev: st.dev,
      ino: st.ino,
      size: st.size,
      mtimeMs: st.mtimeMs,
      gz,
      sourceId: id?.sourceId ?? null,
      identityBytes: id?.bytes ?? 0,
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** The identity of a file from its first bytes; null while it has no whole first line. */
function identityOf(
  head: Uint8Array,
  fileSize: number,
): { sourceId: string; bytes: number } | null {
  const nl = head.indexOf(10);
  const bytes =
    nl >= 0
      ? nl + 1
      : head.length >= IDENTITY_MAX_BYTES && fileSize >= IDENTITY_MAX_BYTES
        ? IDENTITY_MAX_BYTES
        : 0;
  return bytes === 0 ? null : { sourceId: sourceIdOf(head.subarray(0, bytes)), bytes };
}

async function gzipIdentity(fh: FileHandle): Promise<{ sourceId: string; bytes: number } | null> {
  const reader = gzipReader(fh, 0);
  try {
    const head = Buffer.alloc(IDENTITY_MAX_BYTES);
    let fill = 0;
    while (fill < head.length) {
      const n = await reader.read(head, fill, head.length - fill);
      if (n === 0) break;
      fill += n;
      if (head.subarray(fill - n, fill).includes(10)) break;
    }
    return identityOf(head.subarray(0, fill), fill);
  } finally {
    reader.close();
  }
}

/** Still the same source? (A `copytruncate` may have emptied and refilled the file since it was opened.) */
export async function sameIdentity(file: OpenedFile): Promise<boolean> {
  if (file.gz) return true;
  const head = Buffer.alloc(file.identityBytes);
  const { bytesRead } = await file.fh.read(head, 0, head.length, 0);
  return bytesRead === head.length && sourceIdOf(head) === file.sourceId;
}

export function openReader(file: OpenedFile, start: number): ByteReader {
  return file.gz ? gzipReader(file.fh, start) : plainReader(file.fh, start);
}

function plainReader(fh: FileHandle, start: number): ByteReader {
  let position = start;
  return {
    async read(buf, offset, length) {
      const { bytesRead } = await fh.read(buf, offset, length, position);
      position += bytesRead;
      return bytesRead;
    },
    close() {},
  };
}

/**
 * Decompresses the whole file as a stream (multi-member gzip included), skipping the first `skip`
 * decompressed bytes. Memory stays at a few buffers whatever the file's size.
 */
function gzipReader(fh: FileHandle, skip: number): ByteReader {
  async function* compressed() {
    let position = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_SLICE);
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  }
  const input = Readable.from(compressed());
  const gunzip = createGunzip();
  input.on("error", (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let toSkip = skip;
  return {
    async read(buf, offset, length) {
      while (pending.length === 0) {
        let r: IteratorResult<Buffer>;
        try {
          r = await it.next();
        } catch (e) {
          throw new SourceReadError(`gzip data is corrupt or truncated (${(e as Error).message})`);
        }
        if (r.done) {
          if (toSkip > 0)
            throw new SourceShrank(
              `decompresses to ${skip - toSkip} bytes, fewer than the ${skip} already shipped`,
              skip - toSkip,
            );
          return 0;
        }
        pending = r.value;
        if (toSkip > 0) {
          const s = Math.min(toSkip, pending.length);
          pending = pending.subarray(s);
          toSkip -= s;
        }
      }
      const n = Math.min(length, pending.length);
      pending.copy(buf, offset, 0, n);
      pending = pending.subarray(n);
      return n;
    },
    close() {
      input.destroy();
      gunzip.destroy();
    },
  };
}

/** The decompressed size a gzip file's trailer states (exact for one member under 4 GiB), for `status`. */
export async function gzipStatedSize(file: OpenedFile): Promise<number | null> {
  if (!file.gz || file.size < 18) return null;
  const tail = Buffer.alloc(4);
  await file.fh.read(tail, 0, 4, file.size - 4);
  return tail.readUInt32LE(0);
}
