import { describe, expect, it } from "vitest";
import { F, FIELDS, compileLogFormat } from "../../worker/core/log-format";
import { scanLine } from "../../worker/core/scan-line";
import { readFixture, SEMICOMPLETE } from "./fixtures";

/** Scans one line and returns its fields as strings (test-side convenience). */
function fields(format: string, line: string): Record<string, string> | string {
  const c = compileLogFormat(format);
  if (!c.ok) throw new Error(c.error);
  const spans = new Int32Array(FIELDS.length * 2).fill(-1);
  const b = new TextEncoder().encode(line);
  const why = scanLine(c.format, b, 0, b.length, spans);
  if (why !== null) return why;
  const out: Record<string, string> = {};
  for (const f of FIELDS)
    if (spans[2 * F[f]] >= 0)
      out[f] = new TextDecoder().decode(b.subarray(spans[2 * F[f]], spans[2 * F[f] + 1]));
  return out;
}

const semicomplete = readFixture(SEMICOMPLETE).split("\n");

describe("log formats: one suite every format runs", () => {
  // [format, line, expected fields]
  const cases: [string, string, Record<string, string>][] = [
    [
      "combined",
      semicomplete[0],
      {
        host: "83.149.9.216",
        time: "[17/May/2015:10:05:03 +0000]",
        request: "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1",
        status: "200",
        bytes: "203023",
        referer: "http://semicomplete.com/presentations/logstash-monitorama-2013/",
        userAgent:
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36",
      },
    ],
    // line 8899 of the semicomplete log: the user agent has no closing quote
    [
      "combined",
      semicomplete[8898],
      {
        host: "46.118.127.106",
        time: "[20/May/2015:12:05:17 +0000]",
        request: "GET /scripts/grok-py-test/configlib.py HTTP/1.1",
        status: "200",
        bytes: "235",
        referer: "-",
        userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html",
      },
    ],
    // common reads a combined line too: what follows its last field is ignored
    [
      "common",
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      {
        host: "127.0.0.1",
        time: "[10/Oct/2000:13:55:36 -0700]",
        request: "GET /apache_pb.gif HTTP/1.0",
        status: "200",
        bytes: "2326",
      },
    ],
    // a hostname in place of the address (HostnameLookups On)
    [
      "common",
      'crawl-66-249-73-135.googlebot.com - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 304 -',
      {
        host: "crawl-66-249-73-135.googlebot.com",
        time: "[17/May/2015:10:05:03 +0000]",
        request: "GET / HTTP/1.1",
        status: "304",
        bytes: "-",
      },
    ],
    [
      "vhost_combined",
      'www.example.org:443 203.0.113.9 - - [01/Jun/2026:00:00:01 +0200] "GET /feed HTTP/2.0" 200 512 "-" "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)"',
      {
        vhost: "www.example.org",
        host: "203.0.113.9",
        time: "[01/Jun/2026:00:00:01 +0200]",
        request: "GET /feed HTTP/2.0",
        status: "200",
        bytes: "512",
        referer: "-",
        userAgent: "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)",
      },
    ],
    [
      "nginx",
      '2001:db8::1 - - [31/Dec/2025:23:59:59 +0000] "POST /login HTTP/1.1" 302 0 "https://example.org/login" "curl/8.5.0"',
      {
        host: "2001:db8::1",
        time: "31/Dec/2025:23:59:59 +0000",
        request: "POST /login HTTP/1.1",
        status: "302",
        bytes: "0",
        referer: "https://example.org/login",
        userAgent: "curl/8.5.0",
      },
    ],
    // a user's Apache LogFormat with the time taken in microseconds
    [
      '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D',
      '198.51.100.7 - - [17/May/2015:10:05:03 +0000] "GET /a?b=1 HTTP/1.1" 200 10 "-" "Mozilla/5.0" 1234',
      {
        host: "198.51.100.7",
        time: "[17/May/2015:10:05:03 +0000]",
        request: "GET /a?b=1 HTTP/1.1",
        status: "200",
        bytes: "10",
        referer: "-",
        userAgent: "Mozilla/5.0",
        duration: "1234",
      },
    ],
    // an escaped quote inside a quoted field does not end it
    [
      "combined",
      '198.51.100.7 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 10 "http://a.example/\\"q\\" x" "UA \\"quoted\\""',
      {
        host: "198.51.100.7",
        time: "[17/May/2015:10:05:03 +0000]",
        request: "GET /x HTTP/1.1",
        status: "200",
        bytes: "10",
        referer: 'http://a.example/\\"q\\" x',
        userAgent: 'UA \\"quoted\\"',
      },
    ],
    // an nginx log_format of the user's own, with the host first
    [
      '$host $remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time',
      'blog.example.org 192.0.2.1 [02/Jan/2026:03:04:05 +0100] "GET / HTTP/1.1" 200 99 0.004',
      {
        vhost: "blog.example.org",
        host: "192.0.2.1",
        time: "02/Jan/2026:03:04:05 +0100",
        request: "GET / HTTP/1.1",
        status: "200",
        bytes: "99",
        duration: "0.004",
      },
    ],
  ];
  it.each(cases)("%s reads %#", (format, line, expected) => {
    expect(fields(format, line)).toEqual(expected);
  });

  it.each([
    ["combined", "", 'expected " [" after column 1'],
    ["combined", "garbage", 'expected " " after column 1'],
    [
      "combined",
      '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1 200 5 "-" "x"',
      'expected " " after column 1',
    ],
    [
      "combined",
      '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1',
      "unterminated quoted field at column 43",
    ],
  ])("%s refuses %j with a reason", (format, line, reason) => {
    const got = fields(format, line);
    expect(typeof got).toBe("string");
    if (reason.startsWith("unterminated")) expect(got).toBe(reason);
  });

  it.each([
    ["%h %t %>s", "format lacks request"],
    ["%h %{%d/%m}t %r %>s", "custom time format"],
    ["%h%u %t %r %>s", "two fields"],
    ["%h %Z", "unknown directive %Z"],
    ["no fields here", "no fields"],
    ["$remote_addr $status", "format lacks time, request"],
  ])("compile %j fails clearly", (format, message) => {
    const c = compileLogFormat(format);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toContain(message);
  });
});
