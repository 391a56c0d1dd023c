import { describe, expect, it } from "vitest";
import { createFeedTest, isFeed } from "../../worker/core/classify-path";
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
