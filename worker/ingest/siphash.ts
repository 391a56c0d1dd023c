/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function of short inputs,
 * 128-bit key, 64-bit output. The privacy re-keying runs it once per visitor key of a chunk, where
 * one HMAC-SHA-256 per key through crypto.subtle cost ~20 µs each (a promise per key); this costs
 * well under one.
 *
 * 64-bit words are held as two 32-bit halves in local variables (no object per operation): the
 * state is v0..v3, each `vNh`/`vNl`.
 */

/** A key as the four little-endian 32-bit words of its 16 bytes. */
export function sipKey(bytes: Uint8Array): Uint32Array {
  if (bytes.length < 16) throw new RangeError("a SipHash key has 16 bytes");
  const v = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return new Uint32Array([0, 4, 8, 12].map((at) => v.getUint32(at, true)));
}

/**
 * SipHash-2-4 of `m[0 … length)` under `key` (see sipKey): the 64-bit result's high and low
 * 32-bit halves go to out[0] and out[1] (its little-endian bytes are those of out[1], then out[0]).
 */
export function sipHash24(key: Uint32Array, m: Uint8Array, length: number, out: Uint32Array): void {
  const k0l = key[0] | 0;
  const k0h = key[1] | 0;
  const k1l = key[2] | 0;
  const k1h = key[3] | 0;
  let v0l = k0l ^ 0x70736575;
  let v0h = k0h ^ 0x736f6d65;
  let v1l = k1l ^ 0x6e646f6d;
  let v1h = k1h ^ 0x646f7261;
  let v2l = k0l ^ 0x6e657261;
  let v2h = k0h ^ 0x6c796765;
  let v3l = k1l ^ 0x79746573;
  let v3h = k1h ^ 0x74656462;
  const blocks = length >>> 3;
  // Block b < blocks: 8 bytes of m; b = blocks: the tail with the length in its top byte; then
  // the finalisation (no message word, v2 ^= 0xff, 4 rounds).
  for (let b = 0; b <= blocks + 1; b++) {
    let ml = 0;
    let mh = 0;
    let rounds = 2;
    if (b < blocks) {
      const i = b << 3;
      ml = m[i] | (m[i + 1] << 8) | (m[i + 2] << 16) | (m[i + 3] << 24);
      mh = m[i + 4] | (m[i + 5] << 8) | (m[i + 6] << 16) | (m[i + 7] << 24);
    } else if (b === blocks) {
      const i = b << 3;
      const left = length - i;
      for (let j = 0; j < left; j++) {
        if (j < 4) ml |= m[i + j] << (8 * j);
        else mh |= m[i + j] << (8 * (j - 4));
      }
      mh |= (length & 255) << 24;
    } else {
      v2l ^= 0xff;
      rounds = 4;
    }
    v3l ^= ml;
    v3h ^= mh;
    for (let r = 0; r < rounds; r++) {
      // v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
      let lo = (v0l >>> 0) + (v1l >>> 0);
      v0h = (v0h + v1h + ((lo / 0x100000000) | 0)) | 0;
      v0l = lo | 0;
      let th = (v1h << 13) | (v1l >>> 19);
      let tl = (v1l << 13) | (v1h >>> 19);
      v1h = th ^ v0h;
      v1l = tl ^ v0l;
      th = v0h;
      v0h = v0l;
      v0l = th;
      // v2 += v3; v3 = rotl(v3, 16) ^ v2
      lo = (v2l >>> 0) + (v3l >>> 0);
      v2h = (v2h + v3h + ((lo / 0x100000000) | 0)) | 0;
      v2l = lo | 0;
      th = (v3h << 16) | (v3l >>> 16);
      tl = (v3l << 16) | (v3h >>> 16);
      v3h = th ^ v2h;
      v3l = tl ^ v2l;
      // v0 += v3; v3 = rotl(v3, 21) ^ v0
      lo = (v0l >>> 0) + (v3l >>> 0);
      v0h = (v0h + v3h + ((lo / 0x100000000) | 0)) | 0;
      v0l = lo | 0;
      th = (v3h << 21) | (v3l >>> 11);
      tl = (v3l << 21) | (v3h >>> 11);
      v3h = th ^ v0h;
      v3l = tl ^ v0l;
      // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
      lo = (v2l >>> 0) + (v1l >>> 0);
      v2h = (v2h + v1h + ((lo / 0x100000000) | 0)) | 0;
      v2l = lo | 0;
      th = (v1h << 17) | (v1l >>> 15);
      tl = (v1l << 17) | (v1h >>> 15);
      v1h = th ^ v2h;
      v1l = tl ^ v2l;
      th = v2h;
      v2h = v2l;
      v2l = th;
    }
    v0l ^= ml;
    v0h ^= mh;
  }
  out[0] = v0h ^ v1h ^ v2h ^ v3h;
  out[1] = v0l ^ v1l ^ v2l ^ v3l;
}
