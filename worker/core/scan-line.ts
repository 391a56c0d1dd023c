import type { CompiledFormat } from "./log-format";
import { F } from "./log-format";

const BACKSLASH = 92;
const QUOTE = 34;

/**
 * Finds the fields of one line without building any string: writes each field's [start, end)
 * into `spans` (at 2·F[field]) and returns null, or returns why the line does not parse.
 * `end` excludes the newline. Never throws.
 *
 * Lenient where real logs demand it: a last quoted field with no closing quote runs to the end
 * of the line (seen in the wild: a user agent cut short), and text after the format's last
 * field is ignored (so `common` reads a combined log).
 */
export function scanLine(format: CompiledFormat, text: string, start: number, end: number, spans: Int32Array): string | null {
  spans.fill(-1);
  const steps = format.steps;
  let pos = start;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.kind === "literal") {
      if (!text.startsWith(step.text, pos) || pos + step.text.length > end) return `expected "${step.text}" at column ${pos - start + 1}`;
      pos += step.text.length;
      continue;
    }
    const next = steps[i + 1];
    let fieldEnd: number;
    if (next === undefined) {
      fieldEnd = end;
    } else if (next.kind === "literal" && step.quoted && i + 2 === steps.length && next.text === '"') {
      // Last quoted field: the closing quote is the line's last character, so a quote inside
      // the value (unescaped by some servers) cannot end it early.
      fieldEnd = text.charCodeAt(end - 1) === QUOTE && end - 1 >= pos ? end - 1 : end;
      i++;
    } else {
      const lit = (next as { text: string }).text;
      let at = text.indexOf(lit, pos);
      if (step.quoted) while (at >= 0 && at < end && isEscaped(text, at, pos)) at = text.indexOf(lit, at + 1);
      if (at < 0 || at + lit.length > end) {
        return step.quoted ? `unterminated quoted field at column ${pos - start + 1}` : `expected "${lit}" after column ${pos - start + 1}`;
      }
      fieldEnd = at;
      i++;
      if (step.field !== null) {
        spans[2 * F[step.field]] = pos;
        spans[2 * F[step.field] + 1] = fieldEnd;
      }
      pos = at + lit.length;
      continue;
    }
    if (step.field !== null) {
      spans[2 * F[step.field]] = pos;
      spans[2 * F[step.field] + 1] = fieldEnd;
    }
    pos = end;
  }
  return null;
}

/** True when the quote at `at` is preceded by an odd number of backslashes. */
function isEscaped(text: string, at: number, floor: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= floor && text.charCodeAt(j) === BACKSLASH; j--) n++;
  return (n & 1) === 1;
}
