import { describe, expect, it } from "vitest";
import { analyzeText } from "../../worker/core/analyze";
import { compileLogFormat, FIELDS, PRESETS } from "../../worker/core/log-format";
import type { CompiledFormat } from "../../worker/core/log-format";
import { scanLine } from "../../worker/core/scan-line";
import { readFixture, SEMICOMPLETE, semicompleteConfig, geo } from "./fixtures";
import { rng } from "../random";

/** Random text biased towards the characters that matter to the parser. */
function noise(rand: () => number, n: number): string {
  const alphabet = ' "[]-/:\\\t?%+0123456789abcGET\u00e9\ufffd\u0000\r';
  let s = "";
  for (let i = 0; i < n; i++)
    s +=
      rand() < 0.8
        ? alphabet[Math.floor(rand() * alphabet.length)]
        : String.fromCharCode(Math.floor(rand() * 0x3000)).replace("\n", " ");
  return s;
}

const TRICKS = ['\\" "', '\\" ', '\\\\" "', '\\\\" ', '" "', '" ', ' "', '"', " ", "\\"];

describe("the parser never throws, and every line is counted", () => {
  const real = readFixture(SEMICOMPLETE).split("\n").slice(0, 2000);

  it.each(Object.keys(PRESETS))(
    "%s: random bytes, mutated real lines, overlong lines",
    (format) => {
      const rand = rng(format.length * 7919);
      const lines: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const r = rand();
        if (r < 0.3) lines.push(noise(rand, Math.floor(rand() * 300)));
        else if (r < 0.9) {
          // a real line with a few characters replaced, cut, or duplicated
          const base = real[Math.floor(rand() * real.length)];
          const at = Math.floor(rand() * base.length);
          lines.push(
            base.slice(0, at) +
              noise(rand, Math.floor(rand() * 4)) +
              base.slice(at + Math.floor(rand() * 3)),
          );
        } else lines.push(real[i % real.length].repeat(1 + Math.floor(rand() * 200)));
      }
      const c = { ...semicompleteConfig(), format };
      const p = analyzeText(lines.join("\n"), c, geo());
      expect(p.lines).toBe(lines.length);
      expect(p.hits + p.rejected).toBe(p.lines);
      const monthHits = Object.values(p.months).reduce(
        (n, m) => n + m.hours.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0),
        0,
      );
      expect(monthHits).toBe(p.hits);
      expect(p.samples.length).toBeLessThanOrEqual(5);
      for (const s of p.samples) expect(s.text.length).toBeLessThanOrEqual(500);
    },
  );

  it.each([
    ["combined", 0, 4],
    ["nginx", -1, 3],
    ["vhost_combined", 2, 6],
    ["common", 0, -1],
  ])(
    "%s: Apache's first four fields (from field %i) and the combined family's last five (from field %i), read with their literals built in, are read as the general loop reads them",
    (spec, headAt, tailAt) => {
      const fast = (compileLogFormat(spec) as { format: CompiledFormat }).format;
      expect(fast.plan.headAt).toBe(headAt);
      expect(fast.plan.tailAt).toBe(tailAt);
      const general = { ...fast, plan: { ...fast.plan, headAt: -1, tailAt: -1 } };
      const rand = rng(tailAt + 100 + headAt);
      const utf8 = new TextEncoder();
      const a = new Int32Array(2 * FIELDS.length);
      const b = new Int32Array(2 * FIELDS.length);
      let parsed = 0;
      for (let i = 0; i < 20_000; i++) {
        const base = real[i % real.length];
        const prefix = spec === "vhost_combined" ? "semicomplete.com:80 " : "";
        let line = prefix + base;
        if (rand() < 0.8) {
          // noise, or the literals of the fields with escaped quotes, a third of them in the first fields
          const at = Math.floor(rand() * (rand() < 0.33 ? Math.min(60, line.length) : line.length));
          const insert =
            rand() < 0.5
              ? noise(rand, Math.floor(rand() * 4))
              : TRICKS[Math.floor(rand() * TRICKS.length)];
          line = line.slice(0, at) + insert + line.slice(at + Math.floor(rand() * 3));
        }
        const bytes = utf8.encode(line);
        a.fill(-1);
        b.fill(-1);
        const whyA = scanLine(fast, bytes, 0, bytes.length, a);
        const whyB = scanLine(general, bytes, 0, bytes.length, b);
        expect(whyA, line).toBe(whyB);
        if (whyA === null) {
          parsed++;
          expect(Array.from(a), line).toEqual(Array.from(b));
        }
      }
      expect(parsed).toBeGreaterThan(5000);
    },
  );

  it.each(["common", "nginx", '%h %l %u %t :: "%r" %>s %b ][ %D', '%v:%p %h %l %u %t "%r" %>s %O'])(
    "%s: the general loop ends each field where a plain search of the literal after it does",
    (spec) => {
      // The general loop finds an unquoted field's literal of two bytes or more by its last byte,
      // natively; this reference looks for the whole literal with String.indexOf (the lines are
      // ASCII: characters are bytes), skipping escaped quotes as the parser does.
      const format = (compileLogFormat(spec) as { format: CompiledFormat }).format;
      const general = { ...format, plan: { ...format.plan, headAt: -1, tailAt: -1 } };
      const { slots, quoted, after, closingQuote } = general.plan;
      const escaped = (line: string, at: number, floor: number) => {
        let n = 0;
        for (let j = at - 1; j >= floor && line[j] === "\\"; j--) n++;
        return n % 2 === 1;
      };
      const reference = (line: string, spans: Int32Array): boolean => {
        let pos = 0;
        for (let i = 0; i < slots.length; i++) {
          let fieldEnd = line.length;
          let next = line.length;
          if (closingQuote[i] === 1)
            fieldEnd = line.endsWith('"') && line.length - 1 >= pos ? line.length - 1 : line.length;
          else if (after[i] !== "") {
            let at = pos;
            for (;;) {
              at = line.indexOf(after[i], at);
              if (at < 0) return false;
              if (!(quoted[i] === 1 && escaped(line, at, pos))) break;
              at++;
            }
            fieldEnd = at;
            next = at + after[i].length;
          }
          if (slots[i] >= 0) {
            spans[slots[i]] = pos;
            spans[slots[i] + 1] = fieldEnd;
          }
          pos = next;
        }
        return true;
      };
      const rand = rng(spec.length * 31);
      const literals = after.filter((x) => x !== "");
      const a = new Int32Array(2 * FIELDS.length);
      const b = new Int32Array(2 * FIELDS.length);
      let parsed = 0;
      for (let i = 0; i < 5_000; i++) {
        let line = real[i % real.length].replace(/[^\x20-\x7e]/g, "x");
        if (spec.startsWith("%v")) line = `semicomplete.com:80 ${line}`;
        if (spec.includes("::"))
          line = line.replace(' "', ' :: "').replace(/ "[^"]*" "[^"]*"$/, " ][ 1234");
        for (let k = Math.floor(rand() * 3); k > 0; k--) {
          // the literals' bytes, whole, their last byte alone, or with their first byte changed
          const at = Math.floor(rand() * line.length);
          const l = literals[Math.floor(rand() * literals.length)];
          const r = rand();
          const insert = r < 0.4 ? l : r < 0.7 ? l.slice(-1) : `x${l.slice(1)}`;
          line = line.slice(0, at) + insert + line.slice(at + Math.floor(rand() * 2));
        }
        const bytes = new TextEncoder().encode(line);
        a.fill(-1);
        b.fill(-1);
        const ok = scanLine(general, bytes, 0, bytes.length, a) === null;
        expect(ok, line).toBe(reference(line, b));
        if (!ok) continue;
        parsed++;
        expect(Array.from(a), line).toEqual(Array.from(b));
      }
      expect(parsed).toBeGreaterThan(1000);
    },
  );

  it("formats that do not end in the combined family's five fields are read the general way only", () => {
    for (const spec of [
      "common",
      '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D',
      '%h %l %u %t "%r" %>s %b "%{User-Agent}i" "%{Referer}i"',
      '%h %l %u %t %r %>s %b "%{Referer}i" "%{User-Agent}i"',
    ]) {
      expect((compileLogFormat(spec) as { format: CompiledFormat }).format.plan.tailAt, spec).toBe(
        -1,
      );
    }
  });

  it("formats without Apache's `%h %l %u %t \"` run are read the general way only", () => {
    for (const spec of [
      "nginx",
      "%h %l %u %t %r %>s %b",
      '%h %l %D %t "%r" %>s %b',
      '%h - %u %t "%r" %>s %b',
      '%t %h %l %u "%r" %>s %b',
    ]) {
      expect((compileLogFormat(spec) as { format: CompiledFormat }).format.plan.headAt, spec).toBe(
        -1,
      );
    }
    expect(
      (compileLogFormat('%{Host}i %a %l %u %t "%r" %>s %b') as { format: CompiledFormat }).format
        .plan.headAt,
    ).toBe(1);
  });

  it("invalid UTF-8 bytes, decoded as the worker decodes them, are still lines", () => {
    const bytes = new TextEncoder().encode(`${real[0]}\n${real[1]}\n`);
    const bad = new Uint8Array([
      ...bytes.slice(0, 60),
      0xff,
      0xc3,
      0x28,
      0xed,
      0xa0,
      0x80,
      ...bytes.slice(60),
    ]);
    const text = new TextDecoder().decode(bad);
    const p = analyzeText(text, semicompleteConfig(), geo());
    expect(p.lines).toBe(2);
    expect(p.hits + p.rejected).toBe(2);
  });

  it("format strings: random ones compile or fail with a message, never throw", () => {
    const rand = rng(42);
    for (let i = 0; i < 2000; i++) {
      const r = compileLogFormat(`%h ${noise(rand, 20)} %t %r %>s`);
      expect(typeof r.ok).toBe("boolean");
      if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
    }
  });
});
