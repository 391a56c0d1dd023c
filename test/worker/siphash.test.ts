// SipHash-2-4 (worker/ingest/siphash.ts) against the reference implementation's published vectors
// (key 00 01 … 0f, message i = bytes 00 … i-1; vectors_sip64 of github.com/veorq/SipHash), and
// against a plain BigInt transcription of the paper on random keys and lengths.
import { describe, expect, it } from "vitest";
import { sipHash24, sipKey } from "../../worker/ingest/siphash";

/** Little-endian output bytes for message lengths 0 … 17. */
const VECTORS = [
  "310e0edd47db6f72",
  "fd67dc93c539f874",
  "5a4fa9d909806c0d",
  "2d7efbd796666785",
  "b7877127e09427cf",
  "8da699cd64557618",
  "cee3fe586e46c9cb",
  "37d1018bf50002ab",
  "6224939a79f5f593",
  "b0e4a90bdf82009e",
  "f3b9dd94c5bb5d7a",
  "a7ad6b22462fb3f4",
  "fbe50e86bc8f1e75",
  "903d84c02756ea14",
  "eef27a8e90ca23f7",
  "e545be4961ca29a1",
  "db9bc2577fcc2a3f",
  "9447be2cf5e99a69",
];

/** The 64-bit result as little-endian hex, from sipHash24's halves. */
function leHex(out: Uint32Array): string {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, out[1], true);
  new DataView(b.buffer).setUint32(4, out[0], true);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

const M = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M;

/** SipHash-2-4 as the paper writes it, on 64-bit BigInts: slow and plain, an independent oracle. */
function reference(key: Uint8Array, m: Uint8Array): bigint {
  const word = (b: Uint8Array, at: number) => {
    let w = 0n;
    for (let i = 7; i >= 0; i--) w = (w << 8n) | BigInt(b[at + i] ?? 0);
    return w;
  };
  const k0 = word(key, 0);
  const k1 = word(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & M;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & M;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & M;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const full = m.length - (m.length % 8);
  const last = new Uint8Array(8);
  last.set(m.subarray(full));
  last[7] = m.length & 255;
  for (let at = 0; at <= full; at += 8) {
    const w = at < full ? word(m, at) : word(last, 0);
    v3 ^= w;
    round();
    round();
    v0 ^= w;
  }
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

describe("SipHash-2-4", () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const out = new Uint32Array(2);

  it.each(VECTORS.map((v, i) => [i, v] as const))("reference vector, %i bytes", (n, want) => {
    const m = Uint8Array.from({ length: n }, (_, i) => i);
    sipHash24(sipKey(key), m, n, out);
    expect(leHex(out)).toBe(want);
  });

  it("agrees with a BigInt transcription on random keys, lengths 0-40 and bytes", () => {
    let seed = 12345;
    const byte = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return (seed >>> 16) & 255;
    };
    for (let t = 0; t < 400; t++) {
      const k = Uint8Array.from({ length: 16 }, byte);
      const m = Uint8Array.from({ length: t % 41 }, byte);
      sipHash24(sipKey(k), m, m.length, out);
      const want = reference(k, m);
      expect([out[0], out[1]]).toEqual([Number(want >> 32n), Number(want & 0xffffffffn)]);
    }
  });

  it("hashes only the first `length` bytes", () => {
    const m = Uint8Array.from({ length: 32 }, (_, i) => i);
    const a = new Uint32Array(2);
    sipHash24(sipKey(key), m, 11, a);
    sipHash24(sipKey(key), m.slice(0, 11), 11, out);
    expect([...a]).toEqual([...out]);
    expect(leHex(out)).toBe(VECTORS[11]);
  });
});
