/**
 * The ingest's synchronous code run once when the isolate loads the worker, on a made-up log, so
 * that an isolate's first chunk does not pay for it: V8 compiles a function when it first runs
 * and then runs it in its interpreter until it has seen enough of it, isbot's and the agent
 * tables' regular expressions are compiled on first use, and the line scanner and the country
 * table are made on first use. Measured in workerd (bench/chunk-cpu.ts), an isolate's first
 * chunk drops by ~15-20 ms; the isolate's start grows by about as much. Cloudflare runs a
 * Worker's global scope when it starts the isolate, under its own limit (1 s), and often while
 * the TLS handshake of the request that needs it is still going on.
 *
 * Nothing here is kept but what the isolate keeps anyway: the scanner, the country table and the
 * classifications of the made-up agents, paths and referers, which are pure answers. Never throws:
 * a failure only leaves the isolate cold.
 */
import { lifecycleOf } from "./periods";
import { Analyzer } from "../core/analyzer";
import { resolveConfig, robotRules } from "../core/config";
import { geoLookup } from "../geo";
import { lineScanner } from "../scanner";
import { DayBucket } from "./day-records";
import { planChunk, readsOf, type Stored } from "./plan-chunk";
import { sipHash24 } from "./siphash";

const AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "Mozilla/5.0 (compatible; SomeCrawler/1.3; +http://crawler.example.org/)",
  "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)",
  "Tiny Tiny RSS/1.11 (http://tt-rss.org/)",
  "curl/7.68.0",
  "-",
];
const PATHS = [
  "/",
  "/blog/2015/05/hello.html",
  "/blog/tags/caf%C3%A9/",
  "/style.css",
  "/images/a.png",
  "/favicon.ico",
  "/feed/",
  "/?flav=rss20",
  "/robots.txt",
  "/files/tool-1.0.tar.gz",
  "/search?q=logs",
  "/wp-login.php",
];
const REFERERS = [
  "-",
  "https://www.example.org/",
  "https://www.google.com/search?q=web+log+analysis",
  "https://www.google.com/imgres?imgurl=x&q=chart",
  "https://www.bing.com/search?q=",
  "https://news.ycombinator.com/item?id=1",
];
const STATUSES = ["200", "200", "200", "304", "404", "301", "500"];

/** A made-up combined-format log over two days, every kind of line the ingest meets. */
function madeUpLog(lines: number): Uint8Array {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const client =
      i % 9 === 0
        ? `2001:db8:${(i % 7).toString(16)}::${(i % 250).toString(16)}`
        : `${(i * 37) % 223 || 1}.${(i * 91) % 256}.${(i * 13) % 256}.${(i % 250) + 1}`;
    const day = 17 + (i % 2);
    const hms = [i % 24, (i >> 2) % 60, i % 60].map((n) => String(n).padStart(2, "0")).join(":");
    const method = i % 17 === 0 ? "POST" : i % 29 === 0 ? "HEAD" : "GET";
    out.push(
      `${client} - - [${day}/May/2015:${hms} +0000] "${method} ${PATHS[i % PATHS.length]} HTTP/1.1" ${STATUSES[i % STATUSES.length]} ${1000 + i} "${REFERERS[i % REFERERS.length]}" "${AGENTS[(i * 5) % AGENTS.length]}"`,
    );
  }
  return new TextEncoder().encode(`${out.join("\n")}\n`);
}

let warm = false;

/** Runs once per isolate; later calls do nothing. */
export function warmUp(): void {
  if (warm) return;
  warm = true;
  try {
    const resolved = resolveConfig({ siteHosts: ["www.example.org"] });
    if (!resolved.ok) return;
    const { config } = resolved;
    const log = madeUpLog(200);
    for (let round = 0; round < 1; round++) {
      const analyzer = new Analyzer(config, geoLookup(), lineScanner());
      analyzer.pushBytes(log);
      const partial = analyzer.finish();
      // The re-keying's hash, and the planning of the chunk against an empty store.
      const key = new Uint32Array(4);
      const digest = new Uint32Array(2);
      const bytes = new Uint8Array(11);
      for (const m of Object.values(partial.months))
        for (const k of m.visitorDays.keys()) {
          for (let i = 0; i < 11; i++) bytes[i] = k.charCodeAt(11 + i);
          sipHash24(key, bytes, 11, digest);
        }
      const life = lifecycleOf(config);
      const site = { clock: null, firstDate: null };
      readsOf(partial);
      const stored: Stored = {
        dayBuckets: new Map(),
        monthBuckets: new Map(),
        heads: new Map(),
        tails: new Map(),
        sealed: new Set(),
        sketches: new Map(),
        yearBase: new Map(),
        existingDays: new Set(),
      };
      const rules = robotRules(config);
      const plan = planChunk(
        partial,
        stored,
        site,
        life,
        rules,
        config.visitGapSeconds,
        0,
        0,
        "2015-05-18",
      );
      // The reading of stored visitor-days (what this chunk wrote, as a later one reads it).
      for (const b of plan.dayBuckets) {
        const bucket = new DayBucket(b.records);
        for (const m of Object.values(partial.months))
          for (const [k, v] of m.visitorDays)
            for (const [visitor, record] of bucket.ofAddress(v.addr))
              if (visitor === k.slice(11)) bucket.set(record, visitor);
      }
    }
  } catch {
    // A cold isolate, nothing worse.
  }
}
