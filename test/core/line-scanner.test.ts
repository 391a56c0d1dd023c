import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Analyzer } from "../../worker/core/analyzer";
import { LineScanner } from "../../worker/core/line-scanner";
import { compileLogFormat, F, FIELDS } from "../../worker/core/log-format";
import type { CompiledFormat } from "../../worker/core/log-format";
import { scanLine } from "../../worker/core/scan-line";
import type { AnalysisConfig } from "../../worker/core/config";
import { assembleScanLines, SCAN_LINES_WASM } from "../../scripts/build-wasm";
import { BASJES, geo, plain, readFixture, SEMICOMPLETE, semicompleteConfig } from "./fixtures";
import { rng } from "../random";

const wasm = new WebAssembly.Module(readFileSync(SCAN_LINES_WASM));
const utf8 = new TextEncoder();

/** The analysis of `bytes` pushed in `blocks` pieces (cut after a newline), with or without a scanner. */
function analyse(bytes: Uint8Array, c: AnalysisConfig, scanner: LineScanner | null, blocks = 1) {
  const a = new Analyzer(c, geo(), scanner);
  let pos = 0;
  for (let k = 1; k <= blocks; k++) {
    let cut =
      k === blocks ? bytes.length : bytes.indexOf(10, Math.floor((bytes.length * k) / blocks)) + 1;
    if (cut <= pos) cut = k === blocks ? bytes.length : pos;
    if (cut > pos) a.pushBytes(bytes.subarray(pos, cut));
    pos = cut;
  }
  return plain(a.finish());
}

/** Real lines, a fifth of them changed: the formats' literals and pieces of them, quotes (escaped or not), a cut, an empty line, a CR. */
function mutated(lines: string[], seed: number, n: number): string[] {
  const rand = rng(seed);
  const inserts = [
    '\\" "',
    '\\" ',
    '" "',
    '" ',
    ' "',
    '"',
    " ",
    "\\",
    "\r",
    "",
    "\u00e9",
    "\ufffd",
    "  ",
    " - ",
    " [",
    '] "',
    "]",
    "[",
    "-",
  ];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let line = lines[i % lines.length];
    const r = rand();
    if (r < 0.2) {
      const at = Math.floor(rand() * line.length);
      line =
        line.slice(0, at) +
        inserts[Math.floor(rand() * inserts.length)] +
        line.slice(at + Math.floor(rand() * 3));
    } else if (r < 0.22) line = "";
    else if (r < 0.24) line = line.slice(0, Math.floor(rand() * line.length));
    else if (r < 0.26) line += "\r";
    out.push(line);
  }
  return out;
}

describe("LineScanner: lines and the combined format's fields, sixteen bytes a step", () => {
  const real = readFixture(SEMICOMPLETE)
    .split("\n")
    .filter((l) => l !== "");
  const c = semicompleteConfig();

  it("scan-lines.wasm is scan-lines.wat assembled (npm run build:wasm)", async () => {
    expect(Buffer.from(await assembleScanLines()).equals(readFileSync(SCAN_LINES_WASM))).toBe(true);
  });

  it.each([
    ["combined", false],
    ["nginx", true],
  ] as const)(
    "%s: finds each line, and each field where the JavaScript finds it (a line it leaves is read the JavaScript way)",
    (spec, nginx) => {
      const format = (compileLogFormat(spec) as { format: CompiledFormat }).format;
      const lines = mutated(real, 5, 20_000);
      const bytes = utf8.encode(lines.join("\n"));
      const scanner = new LineScanner(wasm, 4096);
      scanner.load(bytes);
      const spans = new Int32Array(2 * FIELDS.length);
      let line = 0,
        found = 0,
        left = 0;
      for (let pos = 0; pos < bytes.length; pos = scanner.nextStart) {
        const n = scanner.scan(pos, nginx);
        expect(n).toBeGreaterThan(0);
        const r = scanner.records;
        for (let k = 0; k < 10 * n; k += 10, line++) {
          const text = lines[line];
          const s = r[k],
            e = r[k + 1];
          // The line's bounds: its bytes without the newline and a carriage return before it.
          expect(new TextDecoder().decode(bytes.subarray(s, e)), `line ${line}`).toBe(
            text.endsWith("\r") ? text.slice(0, -1) : text,
          );
          spans.fill(-1);
          const why = scanLine(format, bytes, s, e, spans);
          if (r[k + 2] < 0) {
            left++;
            continue;
          }
          found++;
          expect(why, text).toBeNull();
          const ends = [
            r[k + 2],
            r[k + 3],
            r[k + 4],
            r[k + 5],
            r[k + 6],
            r[k + 7],
            r[k + 8],
            r[k + 9],
          ];
          const [
            hostEnd,
            timeStart,
            timeEnd,
            requestEnd,
            statusEnd,
            bytesEnd,
            refererEnd,
            agentEnd,
          ] = ends;
          expect(
            [
              s,
              hostEnd,
              timeStart,
              timeEnd,
              timeEnd + (nginx ? 3 : 2),
              requestEnd,
              requestEnd + 2,
              statusEnd,
              statusEnd + 1,
              bytesEnd,
              bytesEnd + 2,
              refererEnd,
              refererEnd + 3,
              agentEnd,
            ],
            text,
          ).toEqual([
            spans[2 * F.host],
            spans[2 * F.host + 1],
            spans[2 * F.time],
            spans[2 * F.time + 1],
            spans[2 * F.request],
            spans[2 * F.request + 1],
            spans[2 * F.status],
            spans[2 * F.status + 1],
            spans[2 * F.bytes],
            spans[2 * F.bytes + 1],
            spans[2 * F.referer],
            spans[2 * F.referer + 1],
            spans[2 * F.userAgent],
            spans[2 * F.userAgent + 1],
          ]);
        }
      }
      expect(line).toBe(lines.length);
      expect(found).toBeGreaterThan(15_000);
      expect(left).toBeGreaterThan(500);
    },
  );

  const texts: [string, () => string][] = [
    ["the semicomplete log", () => readFixture(SEMICOMPLETE)],
    ["the basjes log", () => readFixture(BASJES)],
    ["mutated lines", () => mutated(real, 11, 6000).join("\n")],
    [
      "CRLF lines, empty lines, a byte-order mark, no final newline",
      () =>
        "\ufeff" +
        real
          .slice(0, 300)
          .map((l, i) => (i % 7 === 0 ? "\n" : "") + l)
          .join("\r\n"),
    ],
  ];
  it.each(
    ["combined", "nginx"].flatMap((format) =>
      texts.map(([name, text]) => [format, name, text] as const),
    ),
  )(
    "%s, %s: the analysis is the same with the scanner as without it, in one block or many",
    (format, _name, text) => {
      const cf = { ...c, format };
      const bytes = utf8.encode(text());
      const without = analyse(bytes, cf, null);
      expect(analyse(bytes, cf, new LineScanner(wasm))).toEqual(without);
      // Small batches and many blocks, one scanner for all (its memory grows and is reused).
      const scanner = new LineScanner(wasm, 7);
      expect(analyse(bytes, cf, scanner, 5)).toEqual(without);
      expect(analyse(bytes, cf, scanner, 1)).toEqual(without);
    },
  );

  it("an analysis uses it for Apache's combined format and nginx's default one, however written, and for no other", () => {
    const used = (format: string) => {
      const scanner = new LineScanner(wasm);
      new Analyzer({ ...c, format }, geo(), scanner).pushBytes(
        utf8.encode(real.slice(0, 10).join("\n")),
      );
      return scanner.records.length > 0;
    };
    expect(used("combined")).toBe(true);
    expect(used('%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"')).toBe(true);
    expect(used("nginx")).toBe(true);
    expect(
      used(
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
      ),
    ).toBe(true);
    for (const format of [
      "common",
      "vhost_combined",
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
      '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D',
      '[$time_local] $remote_addr - $remote_user "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
    ]) {
      expect(used(format), format).toBe(false);
    }
  });

  it("other formats are read the general way: the scanner changes nothing for them", () => {
    const lines = real.slice(0, 2000);
    for (const [format, text] of [
      ["common", lines.map((l) => l.replace(/ "[^"]*" "[^"]*"$/, "")).join("\n")],
      ["vhost_combined", lines.map((l) => `semicomplete.com:80 ${l}`).join("\n")],
      [
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
        lines.map((l) => l.replace(/ "[^"]*" "[^"]*"$/, "")).join("\n"),
      ],
    ] as const) {
      const cf = { ...c, format };
      const bytes = utf8.encode(text);
      const p = analyse(bytes, cf, new LineScanner(wasm));
      expect(p.hits, format).toBeGreaterThan(1900);
      expect(p, format).toEqual(analyse(bytes, cf, null));
    }
  });
});
