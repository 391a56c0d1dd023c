/**
 * Decodes %XX escapes (and '+' as space when plus=true) as UTF-8; when the bytes are not valid
 * UTF-8 (e.g. windows-1251 bytes) decodes them as windows-1252/latin1 instead, never throws.
 *
 * The charset is decided once per string: if every run of escaped bytes is valid UTF-8 the whole
 * string is decoded as UTF-8, otherwise every escape in it is read as windows-1252. Mixing both in
 * one string would make up characters no browser ever sent. Old Russian and Windows clients send
 * their code page's bytes (the semicomplete log has windows-1251 text); we cannot know which code
 * page, so windows-1252 is the lossless-looking guess every browser also makes for "latin1".
 *
 * A malformed escape ("%", "%4", "%G1") stays as written, as decodeURIComponent would not.
 * Characters that are already non-ASCII in the input pass through unchanged.
 */
export function percentDecode(s: string, plus: boolean): string {
  if (!s.includes("%")) return plus ? s.replaceAll("+", " ") : s;

  // Literal text and runs of escaped bytes, in order.
  const parts: (string | number[])[] = [];
  let literal = "";
  let run: number[] | null = null;
  for (let i = 0; i < s.length; ) {
    const byte = s[i] === "%" ? hexByte(s, i + 1) : -1;
    if (byte >= 0) {
      if (literal !== "") {
        parts.push(literal);
        literal = "";
      }
      if (run === null) {
        run = [];
        parts.push(run);
      }
      run.push(byte);
      i += 3;
    } else {
      run = null;
      literal += plus && s[i] === "+" ? " " : s[i];
      i++;
    }
  }
  if (literal !== "") parts.push(literal);

  const runs = parts.filter((p): p is number[] => typeof p !== "string");
  const utf8 = runs.map(decodeUtf8);
  const allUtf8 = utf8.every((d) => d !== null);
  let out = "";
  let r = 0;
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else out += allUtf8 ? utf8[r++] : decodeWindows1252(p);
  }
  return out;
}

/** The byte written as two hex digits at s[at], s[at+1], or -1. */
function hexByte(s: string, at: number): number {
  const hi = hexDigit(s.charCodeAt(at));
  const lo = hexDigit(s.charCodeAt(at + 1));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 65 && c <= 70) return c - 55; // A-F
  if (c >= 97 && c <= 102) return c - 87; // a-f
  return -1;
}

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Returns null
 * on the first invalid byte, so the caller can fall back to windows-1252 for the whole string.
 */
function decodeUtf8(bytes: number[]): string | null {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    // Lead byte → number of continuation bytes, its payload bits, smallest code point allowed.
    const [need, cp0, min] =
      b >= 0xc2 && b <= 0xdf
        ? [1, b & 0x1f, 0x80]
        : b >= 0xe0 && b <= 0xef
          ? [2, b & 0x0f, 0x800]
          : b >= 0xf0 && b <= 0xf4
            ? [3, b & 0x07, 0x10000]
            : [0, 0, 0];
    if (need === 0 || i + need >= bytes.length) return null;
    let cp = cp0;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/**
 * windows-1252 for 0x80–0x9F as the WHATWG Encoding standard maps it (its five undefined bytes
 * map to the C1 control of the same value); every other byte is its latin1 code point.
 */
const WINDOWS_1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
  0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: number[]): string {
  let out = "";
  for (const b of bytes)
    out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? WINDOWS_1252_80_9F[b - 0x80] : b);
  return out;
}
