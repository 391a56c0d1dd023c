import { describe, expect, it } from "vitest";
import {
  ASSET,
  DOWNLOAD,
  createFeedTest,
  createPathClassifier,
  isFeed,
} from "../../worker/core/classify-path";
import { config } from "./fixtures";
import { rng } from "../random";

const utf8 = new TextEncoder();
const test = (patterns: string[], query: string) => {
  const b = utf8.encode(`xx${query}yy`);
  return createFeedTest(patterns)(b, 2, b.length - 2);
};

describe("a feed by its query, read from bytes", () => {
  const defaults = config().feedPatterns;

  it.each([
    ["?flav=rss20", true],
    ["?FLAV=RSS", true],
    ["?format=atom&x=1", true],
    ["?format=atomic", false],
    ["?feed=rss2", true],
    ["?q=feedback", false],
    ["?p=1", false],
    ["?flav=rsš", false],
    ["?flav=rss\u212A", false], // the Kelvin sign lowercases to k, a letter: not a feed
    ["?flav=rss\u00e9", true], // é is not a-z
  ])("%s → %s", (query, feed) => {
    expect(test(defaults, query)).toBe(feed);
  });

  it("a pattern with a letter beyond ASCII matches, decoded (it threw when the test was built)", () => {
    expect(test(["été.rss"], "?f=%C3%A9t%C3%A9.rss")).toBe(false);
    expect(test(["été.rss"], "?f=ÉTÉ.RSS&x")).toBe(true);
    expect(test(["été.rss"], "?f=ete.rss")).toBe(false);
  });

  it("a pattern given in capitals matches (it is lowercased, as for paths)", () => {
    expect(test(["Format=JSONFEED"], "?format=jsonfeed")).toBe(true);
  });

  it("says what decoding and lowercasing the query says, on random bytes", () => {
    const rand = rng(2026);
    const alphabet = [
      "r",
      "s",
      "S",
      "a",
      "t",
      "o",
      "m",
      "=",
      "f",
      "l",
      "v",
      "/",
      ".",
      "K",
      "k",
      "\u212A",
      "\u0130",
      "é",
      "?",
      "&",
      "x",
    ];
    // ASCII patterns (others are matched on the decoded query): capitals, a one-byte pattern.
    const patterns = [...defaults, "Kitty", "ik", "x"];
    const lower = patterns.map((p) => p.toLowerCase());
    const feed = createFeedTest(patterns);
    let positives = 0;
    for (let n = 0; n < 20_000; n++) {
      let q = "";
      const len = Math.floor(rand() * 16);
      for (let i = 0; i < len; i++) q += alphabet[Math.floor(rand() * alphabet.length)];
      if (rand() < 0.3) q = q.slice(0, 4) + lower[Math.floor(rand() * lower.length)] + q.slice(4);
      const b = utf8.encode(q);
      const expected = isFeed(q.toLowerCase(), lower);
      if (expected) positives++;
      expect(feed(b, 0, b.length), q).toBe(expected);
    }
    expect(positives).toBeGreaterThan(2000);
  });
});

/** What a 200 on the path is: a static asset, a download (neither is ever a page) or a page. */
const kindOf = (classify: (path: string) => number) => (path: string) => {
  const flags = classify(path);
  return flags & ASSET ? "asset" : flags & DOWNLOAD ? "download" : "page";
};

describe("assets and downloads by media type (mime-db)", () => {
  const kind = kindOf(createPathClassifier(config()));

  it.each([
    // A 1995 site: XBM icons and MPEG clips were 14.5 % of its "page views" with the old list.
    ["/images/NASA-logosmall.xbm", "asset"],
    ["/shuttle/missions/sts-71/movies/crew-arrival.mpg", "asset"],
    ["/images/KSC-logosmall.gif", "asset"],
    // Plug-ins a page embeds.
    ["/flash/intro.swf", "asset"],
    ["/applets/Clock.class", "asset"],
    // Style, scripts, fonts, data a page loads.
    ["/css/main.css", "asset"],
    ["/js/app.js", "asset"],
    ["/js/app.js.map", "asset"],
    ["/site.webmanifest", "asset"],
    ["/fonts/Inter.woff2", "asset"],
    ["/data/points.json", "asset"],
    ["/resume.xsl", "asset"],
    // Text a browser shows as it is, robots.txt among it.
    ["/robots.txt", "asset"],
    ["/files/blogposts/20080611/pcapinject.c", "asset"],
    ["/scripts/tagcloud.py", "asset"],
    // Downloads: Java archives (semicomplete's are logstash releases), e-books, documents,
    // archives, packages, disk images, programs.
    ["/files/logstash/logstash-1.3.2-monolithic.jar", "download"],
    ["/books/guide.epub", "download"],
    ["/papers/thesis.pdf", "download"],
    ["/PAPERS/THESIS.PDF", "download"],
    ["/misc/wendy/recipes/Baked%20Spaghetti.doc", "download"],
    ["/files/xdotool/xdotool-2.20101014.3063.tar.gz", "download"],
    ["/dist/tool-1.0.tgz", "download"],
    ["/dist/tool_1.0_amd64.deb", "download"],
    ["/dist/tool.iso", "download"],
    ["/files/lumberjack/lumberjack-0.3.0.exe", "download"],
    ["/files/wifipencap.sh", "download"],
    ["/data/export.csv", "download"],
    // Pages: HTML, XHTML, scripts that make pages, no extension, unknown extensions.
    ["/index.html", "page"],
    ["/projects/xdotool/xdotool.xhtml", "page"],
    ["/index.php", "page"],
    ["/cgi-bin/search.pl", "page"],
    ["/default.aspx", "page"],
    ["/blog/", "page"],
    ["/blog/tags/X11", "page"],
    ["/v1.2/readme", "page"],
    // A path ending in a host name is not an MS-DOS program nor an Org file.
    ["/whois/example.com", "page"],
    ["/out/example.org", "page"],
  ])("%s is a %s", (path, expected) => {
    expect(kind(path)).toBe(expected);
  });

  it("a site's own lists extend the built-in ones; replace replaces them", () => {
    const own = kindOf(
      createPathClassifier(
        config({ assetExtensions: [".PHP"], downloadExtensions: ["tar.lz", "nes"] }),
      ),
    );
    expect(own("/index.php")).toBe("asset");
    expect(own("/dist/tool-1.0.tar.lz")).toBe("download");
    expect(own("/roms/game.nes")).toBe("download");
    expect(own("/images/a.xbm")).toBe("asset");
    expect(own("/papers/thesis.pdf")).toBe("download");
    const only = kindOf(
      createPathClassifier(
        config({
          assetExtensions: ["png"],
          downloadExtensions: ["zip"],
          replace: ["assetExtensions", "downloadExtensions"],
        }),
      ),
    );
    expect(only("/a.png")).toBe("asset");
    expect(only("/a.zip")).toBe("download");
    expect(only("/a.xbm")).toBe("page");
    expect(only("/a.pdf")).toBe("page");
  });

  it("a download path is a download whatever its extension", () => {
    const k = kindOf(createPathClassifier(config({ downloadPaths: ["/get/"] })));
    expect(k("/get/latest")).toBe("download");
    expect(k("/getting-started")).toBe("page");
  });
});
