import type { CompiledFormat } from "./log-format";
import { bytesAt, decodeBytes } from "./byte-interner";
import { F } from "./log-format";

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
export function scanLine(
  format: CompiledFormat,
  b: Uint8Array,
  start: number,
  end: number,
  spans: Int32Array,
): string | null {
  const { lead, leadBytes, slots, quoted, afterBytes, after, closingQuote, tailAt, headAt } =
    format.plan;
  let pos = start;
  if (leadBytes.length > 0) {
    if (pos + leadBytes.length > end || !bytesAt(b, pos, leadBytes))
      return `expected "${lead}" at column 1`;
    pos += leadBytes.length;
  }
  for (let i = 0; i < slots.length; i++) {
    // Most logs open with Apache's `%h %l %u %t "` and end in the combined family's five fields:
    // both are read with their literals built in, and read again the general way below when
    // anything looks unusual there.
    if (i === headAt) {
      const next = scanHead(b, pos, end, spans);
      if (next >= 0) {
        pos = next;
        i += 3;
        continue;
      }
    }
    if (i === tailAt && scanTail(b, pos, end, spans)) return null;
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
      // request, a referer) and its quote is found natively, an unquoted one's in a short loop
      // (or natively by its last byte, below, when the literal is longer than one byte).
      const first = lit[0];
      const last = lit[lit.length - 1];
      let at = pos;
      for (;;) {
        if (quoted[i] === 1) {
          at = b.indexOf(first, at);
          if (at < 0) at = end;
        } else if (lit.length > 1) {
          // Found by its last byte, natively: a time's `] "` or ` "` is one search, not a loop
          // over the time's bytes (the first occurrence ends at the first such byte where it matches).
          const j = b.indexOf(last, at + lit.length - 1);
          at = j < 0 || j >= end ? end : j - lit.length + 1;
          if (at < end && b[at] !== first) {
            at++;
            continue;
          }
        } else {
          while (at < end && b[at] !== first) at++;
        }
        if (at + lit.length > end) {
          const column = columnOf(b, start, pos);
          return quoted[i] === 1
            ? `unterminated quoted field at column ${column}`
            : `expected "${after[i]}" after column ${column}`;
        }
        if (
          (lit.length === 1 || bytesAt(b, at + 1, lit, 1)) &&
          !(quoted[i] === 1 && isEscaped(b, at, pos))
        )
          break;
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

/**
 * `host ident user time "` from `pos`, found exactly as the general loop finds them: the host
 * (then ident, then user) ends at the first space, the time at the first space followed by a
 * quote. Returns the position after that quote, or -1 — spans half written, which the general
 * loop rewrites — where the general loop would report the line.
 */
function scanHead(b: Uint8Array, pos: number, end: number, spans: Int32Array): number {
  // The host's space natively: a byte loop costs V8 some 16 instructions a byte.
  let i = b.indexOf(32, pos);
  if (i < 0 || i >= end) return -1;
  spans[2 * F.host] = pos;
  spans[2 * F.host + 1] = i;
  // ident, then user: a space each
  i++;
  while (i < end && b[i] !== 32) i++;
  i++;
  while (i < end && b[i] !== 32) i++;
  if (i >= end) return -1;
  pos = ++i;
  // the time, then ` "`: the first quote behind a space (an occurrence ends with a quote)
  for (;;) {
    i = b.indexOf(QUOTE, i + 1);
    if (i < 0 || i >= end) return -1;
    if (b[i - 1] === 32) break;
  }
  spans[2 * F.time] = pos;
  spans[2 * F.time + 1] = i - 1;
  return i + 1;
}

/**
 * `"request" status bytes "referer" "agent"` from `pos` (the request's opening quote is behind
 * it), found exactly as the general loop finds them: the same searches, with the literals built
 * in rather than read from the plan. False — spans half written, which the general loop rewrites —
 * at the first thing that loop would report or treat apart: a backslash before a quote, a
 * missing literal.
 */
function scanTail(b: Uint8Array, pos: number, end: number, spans: Int32Array): boolean {
  let i = pos;
  // "request" then a space: the first quote followed by a space.
  for (;;) {
    i = b.indexOf(QUOTE, i);
    if (i < 0 || i + 2 > end || b[i - 1] === BACKSLASH) return false;
    if (b[i + 1] === 32) break;
    i++;
  }
  spans[2 * F.request] = pos;
  spans[2 * F.request + 1] = i;
  pos = i += 2;
  // status, then a space
  while (i < end && b[i] !== 32) i++;
  if (i >= end) return false;
  spans[2 * F.status] = pos;
  spans[2 * F.status + 1] = i;
  pos = ++i;
  // bytes, then ` "`
  for (;;) {
    while (i < end && b[i] !== 32) i++;
    if (i + 2 > end) return false;
    if (b[i + 1] === QUOTE) break;
    i++;
  }
  spans[2 * F.bytes] = pos;
  spans[2 * F.bytes + 1] = i;
  pos = i += 2;
  // "referer" then ` "`
  for (;;) {
    i = b.indexOf(QUOTE, i);
    if (i < 0 || i + 3 > end || b[i - 1] === BACKSLASH) return false;
    if (b[i + 1] === 32 && b[i + 2] === QUOTE) break;
    i++;
  }
  spans[2 * F.referer] = pos;
  spans[2 * F.referer + 1] = i;
  pos = i + 3;
  // "agent": its closing quote is the line's last character (see the general loop).
  spans[2 * F.userAgent] = pos;
  spans[2 * F.userAgent + 1] = b[end - 1] === QUOTE && end - 1 >= pos ? end - 1 : end;
  return true;
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
