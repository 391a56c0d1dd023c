import { describe, expect, it } from "vitest";
import { hashInto, hashIPv4Into, visitorKey, visitorKeyOf } from "../../worker/core/partial";

describe("visitor keys", () => {
  it("hashIPv4Into (an address kept as a number) gives hashInto of its dotted text, for every octet value", () => {
    const a = new Int32Array(2);
    const b = new Int32Array(2);
    for (let o = 0; o < 256; o++) {
      for (const [p, q, r] of [
        [o, 0, 255],
        [9, o, 100],
        [10, 99, o],
        [255, 254, 1],
      ]) {
        const v = (o << 24) | (p << 16) | (q << 8) | r | 0;
        hashIPv4Into(v, a, 0);
        hashInto(`${o}.${p}.${q}.${r}`, b, 0);
        expect([...a], `${o}.${p}.${q}.${r}`).toEqual([...b]);
      }
    }
  });

  it("are 11 URL-safe characters, stable, and differ when the address or the agent does", () => {
    const k = visitorKeyOf("192.0.2.1", "Mozilla/5.0");
    expect(k).toMatch(/^[0-9A-Za-z_-]{11}$/);
    expect(visitorKeyOf("192.0.2.1", "Mozilla/5.0")).toBe(k);
    expect(visitorKeyOf("192.0.2.2", "Mozilla/5.0")).not.toBe(k);
    expect(visitorKeyOf("192.0.2.1", "Mozilla/5.1")).not.toBe(k);
    const h = new Int32Array(4);
    hashIPv4Into((192 << 24) | (2 << 8) | 1, h, 0);
    hashInto("Mozilla/5.0", h, 2);
    expect(visitorKey(h[0], h[1], h[2], h[3])).toBe(k);
    expect(visitorKey(h[0], h[1], h[2], h[3], "2015-05-17")).toBe(`2015-05-17 ${k}`);
  });
});
