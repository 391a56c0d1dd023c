import { describe, expect, it } from "vitest";
import { ByteInterner } from "../../worker/core/byte-interner";
import { rng } from "../random";

const enc = new TextEncoder();
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe("ByteInterner: byte strings of a log to dense ids, by their text", () => {
  it("gives one id per distinct text, at any offset, through the table's and the store's growth", () => {
    const rand = rng(7);
    const interner = new ByteInterner();
    const byText = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      // Keys of 0–300 bytes (so every length modulo 4), some repeated, placed at a random offset.
      const key = `/k${Math.floor(rand() * 5000)}${"x".repeat(Math.floor(rand() * 300))}`;
      const pad = Math.floor(rand() * 7);
      const b = new Uint8Array(pad + key.length + 3).fill(0x20);
      b.set(enc.encode(key), pad);
      const id = interner.idOf(b, view(b), pad, pad + key.length);
      if (!byText.has(key)) byText.set(key, byText.size);
      expect(id).toBe(byText.get(key));
      expect(interner.strings[id]).toBe(key);
      expect(interner.sameAs(id, b, view(b), pad, pad + key.length)).toBe(true);
      expect(interner.sameAs(id, b, view(b), pad, pad + key.length - 1)).toBe(false);
    }
    expect(interner.size).toBe(byText.size);
  });

  it("keys alike in length and first and last four bytes (one guess) keep their own ids, met in turn", () => {
    const interner = new ByteInterner();
    // Keys that differ in their middle only, and keys that differ in their last byte only (those of
    // four bytes share a guess: their first four bytes are their last four).
    const keys = Array.from(
      { length: 50 },
      (_, i) => `/blog/${String(i).padStart(2, "0")}/post.html`,
    );
    for (let n = 4; n < 40; n += 3)
      for (let c = 0x21; c < 0x7f; c++) keys.push("/".padEnd(n - 1, "a") + String.fromCharCode(c));
    const ids = keys.map((k) => interner.id(k));
    const rand = rng(3);
    for (let i = 0; i < 20_000; i++) {
      const k = Math.floor(rand() * keys.length);
      // Each key met once or more in a row, from bytes at an odd offset.
      for (let r = Math.floor(rand() * 3); r >= 0; r--) {
        const b = enc.encode(` ${keys[k]} `);
        expect(interner.idOf(b, view(b), 1, b.length - 1)).toBe(ids[k]);
      }
    }
    expect(interner.size).toBe(keys.length);
  });

  it("an id given as text takes the bytes of that text too", () => {
    const interner = new ByteInterner();
    const empty = interner.id("");
    const b = enc.encode('""');
    expect(interner.sameAs(empty, b, view(b), 1, 1)).toBe(false);
    expect(interner.idOf(b, view(b), 1, 1)).toBe(empty);
    expect(interner.sameAs(empty, b, view(b), 1, 1)).toBe(true);
  });

  it("spellings that decode alike share an id, and only a few of them are kept", () => {
    const interner = new ByteInterner();
    // "/x" + one invalid byte (0x80–0xff): 128 spellings of "/x\ufffd", over and over.
    for (let round = 0; round < 3; round++) {
      for (let byte = 0x80; byte <= 0xff; byte++) {
        const b = new Uint8Array([0x2f, 0x78, byte]);
        expect(interner.idOf(b, view(b), 0, 3)).toBe(0);
      }
    }
    expect(interner.strings).toEqual(["/x\ufffd"]);
    expect((interner as unknown as { entries: number }).entries).toBe(1 + 8);
  });
});
