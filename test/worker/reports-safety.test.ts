/**
 * What strangers write in a log cannot disguise itself in the pages (bidi controls) nor run in a
 * spreadsheet (CSV formulas), whatever the spreadsheet splits a cell on.
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { csvCell } from "../../worker/routes/reports-csv";
import type { TestSite } from "./helpers";
import { createSite } from "./helpers";
import { read, uploadText } from "./reports-data";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0";
/** U+202E RIGHT-TO-LEFT OVERRIDE: "/\u202Egnp.exe" displays as "/exe.png". */
const RLO = "\u202E";
const LINES = `${[
  `7.7.7.1 - - [19/May/2015:10:00:00 +0000] "GET /${RLO}gnp.exe HTTP/1.1" 200 100 "http://evil.example/${RLO}fdp.exe" "${FIREFOX}"`,
  `7.7.7.1 - - [19/May/2015:10:00:01 +0000] "GET / HTTP/1.1" 200 100 "https://www.google.com/search?q=%E2%80%AEcod.exe+%E2%81%A6x" "${FIREFOX} \u2067evil\u2069"`,
  `7.7.7.2 - - [19/May/2015:10:00:02 +0000] "GET /a;=1+1 HTTP/1.1" 404 12 "-" "${FIREFOX}"`,
  `7.7.7.3 - - [19/May/2015:10:00:03 +0000] "GET /feed HTTP/1.1" 200 12 "-" "x\t=1+1 ,@SUM(A1) ;-2+3"`,
].join("\n")}\n`;

const FIXED =
  /^<td class="k" data-v="(Other|Unknown|Other robot|\(not provided\)|\(not a web address\)|desktop|mobile|tablet|robot|other|0-30s|30s-2m|2-5m|5-15m|15-30m|30m-1h|1h\+|direct|internal|search|other site|IPv4|IPv6|host name|[1-7])"( title="[^"]*")?>/;
/** Any bidi control: embeddings, overrides, isolates, marks. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

/** Every piece a spreadsheet may cut a CSV line into, if it splits on `,` `;` TAB or lines and ignores quotes. */
const pieces = (line: string) => line.split(/[,;\t\r\n]/).map((p) => p.replace(/^[\s"]+/, ""));
const live = (piece: string) => /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(piece) && piece !== "-";

describe("strangers' text in pages and CSV", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createSite("bidi", {
      config: {
        siteHosts: ["semicomplete.com"],
        watched: { addresses: ["7.7.7.1"], userAgents: [] },
      },
    });
    await uploadText(site, LINES, "bidi", 1);
  });
  const html = async (path: string) =>
    (await SELF.fetch(`http://vigie.test${path}`, { headers: read(site) })).text();

  it("bidi controls are shown as markers, and every stranger's value is isolated in <bdi>", async () => {
    for (const path of [
      "/sites/bidi/2015-05",
      "/sites/bidi/2015-05/pages",
      "/sites/bidi/2015-05/referers",
      "/sites/bidi/2015-05/keywords",
      "/sites/bidi/2015",
    ]) {
      const page = await html(path);
      expect(BIDI.test(page), path).toBe(false);
      // Keys the core makes itself ("Other", "desktop"…) are the page's own words: the rest is isolated.
      for (const cell of page.match(/<td class="k[^"]*"[^>]*>[\s\S]*?<\/td>/g) ?? [])
        if (!FIXED.test(cell)) expect(cell, path).toMatch(/<bdi>/);
    }
    const month = await html("/sites/bidi/2015-05");
    expect(month).toContain("<bdi>/⟨U+202E⟩gnp.exe</bdi>");
    expect(month).toContain("<bdi>⟨U+202E⟩cod.exe ⟨U+2066⟩x</bdi>");
    // The watched visitor's trail: the agent and the referer, isolated and marked too.
    expect(month).toContain("⟨U+2067⟩evil⟨U+2069⟩</bdi>");
    expect(month).toContain("<bdi>http://evil.example/⟨U+202E⟩fdp.exe</bdi>");
    const referers = await html("/sites/bidi/2015-05/referers");
    expect(referers).toContain('href="http://evil.example/%E2%80%AEfdp.exe"');
  });

  it("a CSV cell cannot start a formula after any separator a spreadsheet may split on", () => {
    const cases = [
      "=1+1",
      "/a;=1+1",
      "/c\t=1+1",
      "a,+1",
      "a\r\n@SUM(A1)",
      "x; -2+3",
      "\t=1",
      "\r=1",
      "＝1+1",
      "a;＠x",
      "-",
      "plain text",
      'say "hi", =1',
    ];
    for (const v of cases) {
      const cell = csvCell(v);
      expect(pieces(cell).filter(live), JSON.stringify(v)).toEqual([]);
      // A quote-aware reader gets one cell back: the text, with its apostrophes.
      if (/^"/.test(cell))
        expect(cell.slice(1, -1).replaceAll('""', '"').replaceAll("'", "")).toBe(
          v.replaceAll("'", ""),
        );
    }
    expect(csvCell("/a;=1+1")).toBe(`"/a;'=1+1"`);
    expect(csvCell("/c\t=1+1")).toBe(`"/c\t'=1+1"`);
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("-")).toBe("-");
    expect(csvCell("/plain")).toBe("/plain");
  });

  it("the exports of the panels that hold such keys are inert, line by line", async () => {
    for (const panel of ["not-found", "feeds", "keywords"]) {
      const res = await SELF.fetch(
        `http://vigie.test/api/v1/sites/bidi/panels/${panel}?month=2015-05&format=csv`,
        { headers: read(site) },
      );
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(pieces(text).filter(live), panel).toEqual([]);
    }
  });
});
