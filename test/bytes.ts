// Byte helpers shared by the tests of every project (pure: runs in Node and workerd).

const utf8 = new TextEncoder();

/** UTF-8 bytes of a string. */
export const bytes = (s: string): Uint8Array => utf8.encode(s);

/** The parts, one after the other, in one new array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
