/**
 * Log lines a stranger can send, shared by the workerd and the browser tests (pure: no runtime
 * import): markup in the path, the referer and the user agent, a javascript: referer, and search
 * terms a spreadsheet would run as a formula. The hostile agent is watched, so its trail shows it.
 */
export const HOSTILE_LINES = `${[
  `6.6.6.6 - - [19/May/2015:10:00:00 +0000] "GET /<script>alert(1)</script>\\"><img src=x onerror=alert(2)> HTTP/1.1" 200 1234 "http://evil.example/\\"><img src=x onerror=alert(3)>" "Mozilla/5.0 <script>alert(4)</script>\\"><img src=x onerror=alert(5)> Firefox/40.0"`,
  `6.6.6.6 - - [19/May/2015:10:00:05 +0000] "GET /feed HTTP/1.1" 200 999 "-" "<script>alert(8)</script>\\"><img src=x onerror=alert(9)>"`,
  `6.6.6.7 - - [19/May/2015:10:00:01 +0000] "GET /a<script>x</script> HTTP/1.1" 200 1234 "javascript:alert(6)//" "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0"`,
  `6.6.6.8 - - [19/May/2015:10:00:02 +0000] "GET /=HYPERLINK(1) HTTP/1.1" 404 12 "https://www.google.com/search?q=%3Cscript%3Ealert(7)%3C%2Fscript%3E" "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0"`,
  `6.6.6.8 - - [19/May/2015:10:00:03 +0000] "GET / HTTP/1.1" 200 12 "https://www.google.com/search?q=%3DHYPERLINK(%22http%3A%2F%2Fevil%22)" "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0"`,
  // A page found twice from Google Images and once directly: the year page marks it "images".
  `6.6.6.9 - - [19/May/2015:11:00:00 +0000] "GET /gallery/<b>cats</b>.html HTTP/1.1" 200 500 "https://www.google.com/imgres?imgurl=x&imgrefurl=y" "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0"`,
  `6.6.6.10 - - [19/May/2015:11:00:00 +0000] "GET /gallery/<b>cats</b>.html HTTP/1.1" 200 500 "https://www.google.fr/search?q=cats&tbm=isch" "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0"`,
  `6.6.6.11 - - [19/May/2015:11:00:00 +0000] "GET /gallery/<b>cats</b>.html HTTP/1.1" 200 500 "-" "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0"`,
].join("\n")}\n`;

/** The report sites' configuration: the fixture's host, and the hostile agent watched. */
export const SITE_CONFIG = {
  siteHosts: ["semicomplete.com"],
  watched: { addresses: [], userAgents: ["<script>"] },
  // Run 2 brings May's rest after October's log: the days stay open so that every figure is
  // the core's exactly (late lines are tested in ingest-periods).
  openDays: 366,
  sealDays: 366,
};
