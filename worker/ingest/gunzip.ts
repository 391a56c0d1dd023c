// Gunzips an ingest body. Rotated logs are often multi-member gzip (`cat a.gz b.gz`), which
// workerd's DecompressionStream rejects and pako's `Inflate` cuts short at the first member, so
// members are walked here with pako's low-level inflate: each member's end is where inflate
// leaves `next_in`, and the next member must start right there with the gzip magic.
// gunzipBody tries the runtime's own decoder first (native zlib, several times faster than
// pako, and no JavaScript to compile in a fresh isolate) and falls back on that walk for
// whatever it does not take whole: several members, trailing data, a corrupt body.
// Pure: no `node:*`, no Buffer; runs in Node and in workerd.
import {
  ZStream,
  Z_BUF_ERROR,
  Z_NO_FLUSH,
  Z_OK,
  Z_STREAM_END,
  zlibInflate,
  zlibInflateEnd,
  zlibInflateInit2,
  zlibInflateReset,
} from "pako";

export type GunzipResult =
  | { ok: true; bytes: Uint8Array; members: number }
  | { ok: false; code: "not_gzip" | "corrupt_gzip" | "too_large"; message: string };

/** gunzipBody's result: gunzip's, without the member count (a runtime's decoder does not tell it). */
export type BodyResult = { ok: true; bytes: Uint8Array } | Failure;

/** Inflate is handed the input this many bytes at a time; the tests put member boundaries on every offset of it. */
export const GUNZIP_INPUT_SLICE = 16 * 1024;
/** Output grows by buffers of this size once the first (size-hinted) buffer is full. */
const OUTPUT_CHUNK = 64 * 1024;
/** Deflate expands at most ~1032:1, which bounds the size hint read from an untrusted trailer. */
const MAX_DEFLATE_RATIO = 1032;
/** 15-bit window, gzip wrapper only: a zlib or raw deflate stream is refused. */
const GZIP_ONLY_WINDOW_BITS = 16 + 15;

type Failure = Extract<GunzipResult, { ok: false }>;

/**
 * Decompresses a whole gzip body, including multi-member gzip (`cat a.gz b.gz`), refusing output
 * over maxBytes without ever holding more than ~maxBytes + 64 KB of it (joining the output of
 * several members copies it once more at the end). Never throws.
 */
/** `slice`: input fed to the decoder at a time (a parameter so tests can sweep every offset of a small one). */
export function gunzip(
  body: Uint8Array,
  maxBytes: number,
  slice = GUNZIP_INPUT_SLICE,
): GunzipResult {
  const limit = maxBytes >= 0 ? Math.floor(maxBytes) : 0;
  if (body.length === 0) return fail("not_gzip", "the body is empty, not gzip");
  if (!startsWithMagic(body, 0)) {
    const head = hex(body.subarray(0, 2));
    return fail(
      "not_gzip",
      `the body is not gzip: it starts with ${head}, not the gzip magic bytes 1f 8b`,
    );
  }
  try {
    return inflateMembers(body, limit, slice);
  } catch (e) {
    // pako reports through status codes; this is only a backstop for "never throws" (e.g. out of memory).
    return fail(
      "corrupt_gzip",
      `the gzip body could not be decompressed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Compressed bytes handed to the runtime's decoder at a time: bounds its output per step (~1032×). */
const NATIVE_INPUT_SLICE = 16 * 1024;

/**
 * The body decompressed as gunzip() does it, with the same limit, codes and messages, by the
 * runtime's DecompressionStream when it reads the body as one whole member, else by gunzip().
 * A single member is recognised by its result: the decoder ends without an error and its output's
 * length is the body's last four bytes (the member's ISIZE, modulo 2^32). Anything else — workerd
 * refusing a second member, a decoder joining members or dropping trailing bytes, a corrupt
 * body — goes to gunzip(), which reads every member and names what is wrong. The decoder's output
 * is read into one buffer of at most maxBytes + 1 bytes (BYOB reads: workerd fills a whole view
 * per read, where its chunks of 4 KB took 64 reads and twice the time); a runtime whose decoder
 * does not give byte streams (Node's) gets gunzip(). Output past `maxBytes` is refused as soon as
 * it is seen: the input goes in by 16 KB, so the decoder never holds more than ~16 MB of output
 * beyond the limit. Never throws.
 */
export async function gunzipBody(body: Uint8Array, maxBytes: number): Promise<BodyResult> {
  const limit = maxBytes >= 0 ? Math.floor(maxBytes) : 0;
  if (typeof DecompressionStream !== "function" || !startsWithMagic(body, 0) || body.length < 18)
    return gunzip(body, maxBytes);
  const native = await nativeGunzip(body, limit).catch(() => null);
  if (native === null) return gunzip(body, maxBytes);
  if (native === "too_large")
    return fail("too_large", `the decompressed body exceeds the limit of ${limit} bytes`);
  return { ok: true, bytes: native };
}

/** The runtime's decoder on the body: its output when it is one whole member, else null. */
async function nativeGunzip(
  body: Uint8Array,
  limit: number,
): Promise<Uint8Array | "too_large" | null> {
  const ds = new DecompressionStream("gzip");
  let reader: ReadableStreamBYOBReader;
  try {
    reader = ds.readable.getReader({ mode: "byob" });
  } catch {
    return null; // not a byte stream
  }
  const writer = ds.writable.getWriter();
  // Copies: a runtime may detach what it is written, and gunzip() may need the body next.
  const feeding = (async () => {
    for (let at = 0; at < body.length; at += NATIVE_INPUT_SLICE)
      await writer.write(body.slice(at, at + NATIVE_INPUT_SLICE));
    await writer.close();
  })();
  feeding.catch(() => {}); // its failure is the reader's too
  // The first buffer holds the size hint and one byte more: one read fills it when the hint is
  // true; past it the buffer doubles, up to limit + 1 bytes.
  let buf = new ArrayBuffer(Math.min(sizeHint(body, limit), limit) + 1);
  let size = 0;
  for (;;) {
    if (size === buf.byteLength) {
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return "too_large";
      }
      const grown = new Uint8Array(Math.min(limit + 1, 2 * size + 1));
      grown.set(new Uint8Array(buf, 0, size));
      buf = grown.buffer;
    }
    const { done, value } = await reader.read(new Uint8Array(buf, size, buf.byteLength - size));
    // A read hands back the buffer it was given (moved: the old handle is detached).
    if (value !== undefined) {
      buf = value.buffer as ArrayBuffer;
      if (!done) size += value.byteLength;
    }
    if (done) break;
  }
  await feeding;
  const n = body.length;
  const isize =
    (body[n - 4] | (body[n - 3] << 8) | (body[n - 2] << 16) | (body[n - 1] << 24)) >>> 0;
  return size % 0x100000000 === isize ? new Uint8Array(buf, 0, size) : null;
}

function inflateMembers(body: Uint8Array, limit: number, slice: number): GunzipResult {
  const strm = new ZStream();
  if (zlibInflateInit2(strm, GZIP_ONLY_WINDOW_BITS) !== Z_OK) {
    return fail("corrupt_gzip", "the gzip decoder could not start");
  }
  try {
    const out = new Output(strm, limit, sizeHint(body, limit));
    strm.input = body;
    strm.next_in = 0;
    strm.avail_in = 0;
    for (let member = 1; ; member++) {
      const failure = inflateMember(strm, body, out, member, slice);
      if (failure) return failure;
      // On Z_STREAM_END, next_in is just past this member's trailer; the rest of the slice is unread.
      const end = strm.next_in;
      if (end === body.length) return { ok: true, bytes: out.result(), members: member };
      if (!startsWithMagic(body, end)) {
        return fail(
          "corrupt_gzip",
          `${body.length - end} bytes of trailing data after gzip member ${member} (at byte ${end}), which is not another gzip member`,
        );
      }
      zlibInflateReset(strm); // keeps next_in/avail_in: the next member is read from where this one ended
    }
  } finally {
    zlibInflateEnd(strm);
  }
}

/** Inflates one member; undefined once its trailer (CRC-32 and length both checked by pako) is read. */
function inflateMember(
  strm: ZStream,
  body: Uint8Array,
  out: Output,
  member: number,
  slice: number,
): Failure | undefined {
  for (;;) {
    if (strm.avail_in === 0) strm.avail_in = Math.min(slice, body.length - strm.next_in);
    if (strm.avail_out === 0) out.makeRoom();
    const status = zlibInflate(strm, Z_NO_FLUSH);
    if (out.size > out.limit)
      return fail("too_large", `the decompressed body exceeds the limit of ${out.limit} bytes`);
    if (status === Z_STREAM_END) return undefined;
    if (status !== Z_OK && status !== Z_BUF_ERROR) {
      return fail(
        "corrupt_gzip",
        `gzip member ${member} is corrupt near byte ${strm.next_in}: ${describe(strm.msg, status)}`,
      );
    }
    if (strm.avail_out > 0 && strm.avail_in === 0 && strm.next_in === body.length) {
      return fail(
        "corrupt_gzip",
        `gzip member ${member} is truncated: the body ends at byte ${body.length} before the member does`,
      );
    }
    if (status === Z_BUF_ERROR && strm.avail_in > 0 && strm.avail_out > 0) {
      // Cannot happen with zlib's contract (room on both sides means progress); refuse rather than spin.
      return fail(
        "corrupt_gzip",
        `gzip member ${member} stalled the decoder near byte ${strm.next_in}`,
      );
    }
  }
}

/**
 * The inflate output: a first buffer sized from the size hint, then 64 KB buffers. `avail_out`
 * never lets the total pass limit + 1, so reaching limit + 1 bytes is exactly "too large".
 */
class Output {
  private readonly parts: Uint8Array[] = [];
  private flushed = 0;

  constructor(
    private readonly strm: ZStream,
    readonly limit: number,
    firstSize: number,
  ) {
    strm.output = new Uint8Array(firstSize);
    strm.next_out = 0;
    strm.avail_out = Math.min(firstSize, limit + 1);
  }

  /** Bytes inflated so far, over all members. */
  get size(): number {
    return this.flushed + this.strm.next_out;
  }

  /** Gives inflate room for more output, up to limit + 1 bytes in all (the caller stops past the limit). */
  makeRoom(): void {
    const { strm } = this;
    const allowance = this.limit + 1 - this.size;
    if (strm.next_out === strm.output.length) {
      this.parts.push(strm.output);
      this.flushed += strm.output.length;
      strm.output = new Uint8Array(Math.min(OUTPUT_CHUNK, allowance));
      strm.next_out = 0;
    }
    strm.avail_out = Math.min(strm.output.length - strm.next_out, allowance);
  }

  /** The whole output; no copy when it all sits in one buffer (a single member with an honest size hint). */
  result(): Uint8Array {
    const parts = [...this.parts, this.strm.output.subarray(0, this.strm.next_out)].filter(
      (p) => p.length > 0,
    );
    if (parts.length <= 1) return parts[0] ?? new Uint8Array(0);
    const bytes = new Uint8Array(this.size);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  }
}

/**
 * The last member's ISIZE (the body's last 4 bytes): for the usual single-member body the exact
 * output size. Untrusted, so capped by the limit and by what deflate can expand the body to.
 */
function sizeHint(body: Uint8Array, limit: number): number {
  if (body.length < 18) return 0;
  const n = body.length;
  const isize =
    (body[n - 4] | (body[n - 3] << 8) | (body[n - 2] << 16) | (body[n - 1] << 24)) >>> 0;
  return Math.min(isize, limit, n * MAX_DEFLATE_RATIO);
}

function startsWithMagic(body: Uint8Array, at: number): boolean {
  return body.length - at >= 2 && body[at] === 0x1f && body[at + 1] === 0x8b;
}

const ZLIB_MESSAGES: Record<string, string> = {
  "incorrect data check": "CRC-32 mismatch (incorrect data check)",
  "incorrect length check": "length mismatch (incorrect length check)",
};

function describe(msg: string, status: number): string {
  return ZLIB_MESSAGES[msg] ?? (msg || `inflate status ${status}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function fail(code: Failure["code"], message: string): Failure {
  return { ok: false, code, message };
}
