import { describe, expect, it } from "vitest";
import { KEY_ALPHABET } from "../../worker/core/partial";
import {
  addToSketch,
  decodeSketch,
  encodeSketch,
  estimate,
  REGISTERS,
} from "../../worker/core/sketch";
import { rng } from "../random";

describe("sketch", () => {
  it("encodes each register as its rank's key character, and decodes back", () => {
    const random = rng(7);
    const r = Uint8Array.from({ length: REGISTERS }, () => Math.floor(random() * 38));
    const text = encodeSketch(r);
    expect(text).toHaveLength(REGISTERS);
    for (let i = 0; i < REGISTERS; i += 97) expect(text[i]).toBe(KEY_ALPHABET[r[i]]);
    expect(decodeSketch(text)).toEqual(r);
  });

  it("estimates distinct keys: exactly 0 empty, by linear counting when small, within 5 % when large", () => {
    const random = rng(11);
    const key = () =>
      Array.from({ length: 11 }, () => KEY_ALPHABET[Math.floor(random() * 64)]).join("");
    const r = decodeSketch(null);
    expect(estimate(r)).toBe(0);
    for (let i = 0; i < 100; i++) addToSketch(r, key());
    expect(Math.abs(estimate(r) - 100)).toBeLessThanOrEqual(3);
    for (let i = 100; i < 50_000; i++) addToSketch(r, key());
    expect(Math.abs(estimate(r) - 50_000) / 50_000).toBeLessThan(0.05);
  });
});
