import { describe, expect, it } from "vitest";
import { ptrName } from "../../worker/ingest/resolve-feed-hosts";
import { truncateAddress } from "../../worker/ingest/privacy";

// The reverse-DNS name and the privacy truncation share one address parser (worker/net/ip.ts).
describe("one IP parser for PTR names and truncation", () => {
  it.each([
    ["66.249.73.135", "135.73.249.66.in-addr.arpa", "66.249.73.0/24"],
    [
      "2001:db8::1",
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
      "2001:db8:0::/48",
    ],
    [
      "2001:DB8:85A3::8A2E:370:7334",
      "4.3.3.7.0.7.3.0.e.2.a.8.0.0.0.0.0.0.0.0.3.a.5.8.8.b.d.0.1.0.0.2.ip6.arpa",
      "2001:db8:85a3::/48",
    ],
    ["crawl.example.org", null, null],
    ["2001:db8::1::2", null, null],
    ["1.2.3", null, null],
  ])("%s", (ip, ptr, truncated) => {
    expect(ptrName(ip)).toBe(ptr);
    expect(truncateAddress(ip)).toBe(truncated);
  });

  it("a zone id is dropped before truncating (never before a PTR lookup)", () => {
    expect(truncateAddress("fe80::1%eth0")).toBe("fe80:0:0::/48");
    expect(ptrName("fe80::1%eth0")).toBeNull();
  });
});
