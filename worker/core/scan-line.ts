import type { CompiledFormat } from "./log-format";
import { bytesAt, decodeBytes } from "./byte-interner";

const BACKSLASH = 92;
const QUOTE = 34;

/**
 * Finds the fields of one line of bytes without building any string: writes each field's
 * [start, end) into `spans` (at 2·F[field]) and returns null, or returns why the line does not
 * parse. Fields the format lacks are never written: callers fill `spans` with -1 once, up front.
 * `end` excludes the newline. Never throws.
 *
 * Lenient where real logs demand it: a last quoted field with no closing quote runs to the end
 * of the line (seen in the wild: a user agent cut short), and text after the format's last
 * field is ignored (so `common` reads a combined log).
 */
export function scanLine(format: CompiledFormat, b: Uint8Array, start: number, end: number, spans: Int32Array): string | null {
  const { lead, leadBytes, slots, quoted, afterBytes, after, closingQuote } = format.plan;
  let pos = start;
  if (leadBytes.length > 0) {
    if (pos + leadBytes.length > end || !bytesAt(b, pos, leadBytes)) return `expected "${lead}" at column 1`;
    pos += leadBytes.length;
  }
  for (let i = 0; i < slots.length; i++) {
    const lit = afterBytes[i];
    let fieldEnd: number;
    let next: number;
    if (lit.length === 0) {
      fieldEnd = next = end;
    } else if (closingQuote[i] === 1) {
      // Last quoted field: the closing quote is the line's last character, so a quote inside
      // the value (unescaped by some servers) cannot end it early.
      fieldEnd = b[end - 1] === QUOTE && end - 1 >= pos ? end - 1 : end;
      next = end;
    } else {
      // The literal's first byte, then the rest in place; a quoted field's value is long (a
      // request, a referer) and its quote is found natively, an unquoted one's in a short loop.
      const first = lit[0];
      let at = pos;
      for (;;) {
        if (quoted[i] === 1) {
          at = b.indexOf(first, at);
          if (at < 0) at = end;
        } else {
          while (at < end && b[at] !== first) at++;
        }
        if (at + lit.length > end) {
          const column = columnOf(b, start, pos);
          return quoted[i] === 1 ? `unterminated quoted field at column ${column}` : `expected "${after[i]}" after column ${column}`;
        }
        if ((lit.length === 1 || bytesAt(b, at + 1, lit, 1)) && !(quoted[i] === 1 && isEscaped(b, at, pos))) break;
        at++;
      }
      fieldEnd = at;
      next = at + lit.length;
    }
    const slot = slots[i];
    if (slot >= 0) {
      spans[slot] = pos;
      spans[slot + 1] = fieldEnd;
    }
    pos = next;
  }
  return null;
}

/** True when the quote at `at` is preceded by an odd number of backslashes. */
function isEscaped(b: Uint8Array, at: number, floor: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= floor && b[j] === BACKSLASH; j--) n++;
  return (n & 1) === 1;
}

/** The 1-based column of b[pos] in its line, in characters (UTF-16 units, as an editor counts), not bytes. */
function columnOf(b: Uint8Array, start: number, pos: number): number {
  return decodeBytes(b, start, pos).length + 1;
}
