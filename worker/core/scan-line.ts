import type { CompiledFormat } from "./log-format";

const BACKSLASH = 92;
const QUOTE = 34;

/**
 * Finds the fields of one line without building any string: writes each field's [start, end)
 * into `spans` (at 2·F[field]) and returns null, or returns why the line does not parse. Fields
 * the format lacks are never written: callers fill `spans` with -1 once, up front.
 * `end` excludes the newline. Never throws.
 *
 * Lenient where real logs demand it: a last quoted field with no closing quote runs to the end
 * of the line (seen in the wild: a user agent cut short), and text after the format's last
 * field is ignored (so `common` reads a combined log).
 */
export function scanLine(format: CompiledFormat, text: string, start: number, end: number, spans: Int32Array): string | null {
  const { lead, slots, quoted, after, closingQuote } = format.plan;
  let pos = start;
  if (lead !== "") {
    if (pos + lead.length > end || !text.startsWith(lead, pos)) return `expected "${lead}" at column 1`;
    pos += lead.length;
  }
  for (let i = 0; i < slots.length; i++) {
    const lit = after[i];
    let fieldEnd: number;
    let next: number;
    if (lit === "") {
      fieldEnd = next = end;
    } else if (closingQuote[i] === 1) {
      // Last quoted field: the closing quote is the line's last character, so a quote inside
      // the value (unescaped by some servers) cannot end it early.
      fieldEnd = text.charCodeAt(end - 1) === QUOTE && end - 1 >= pos ? end - 1 : end;
      next = end;
    } else {
      let at = text.indexOf(lit, pos);
      if (quoted[i] === 1) while (at >= 0 && at < end && isEscaped(text, at, pos)) at = text.indexOf(lit, at + 1);
      if (at < 0 || at + lit.length > end) {
        return quoted[i] === 1 ? `unterminated quoted field at column ${pos - start + 1}` : `expected "${lit}" after column ${pos - start + 1}`;
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
function isEscaped(text: string, at: number, floor: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= floor && text.charCodeAt(j) === BACKSLASH; j--) n++;
  return (n & 1) === 1;
}
