/**
 * A search engine: which referer hosts belong to it and which query parameter holds the terms.
 *
 * Host patterns (matched against the referer's host, lowercased, without port or trailing dot):
 * - a pattern ending in "." names a domain under any suffix: "google." matches google.co.uk,
 *   www.google.com and images.google.fr — the pattern must start the host or follow a "." in it,
 *   so googleusercontent.com and notgoogle.com do not match (google.example.com would);
 * - any other pattern names that host and its subdomains: "duckduckgo.com" matches duckduckgo.com
 *   and r.duckduckgo.com, not myduckduckgo.com.
 * Patterns compare case-insensitively.
 */
export interface SearchEngineRule {
  /** Shown in reports, e.g. "Google". */
  name: string;
  hosts: string[];
  /** Query parameters holding the search terms, most preferred first (names are case-sensitive). */
  params: string[];
}

/**
 * Built-in engines, in order; the first rule with a matching host wins. No two built-in patterns
 * overlap, so the order only matters for user rules: put them first to override a built-in one.
 */
export const BUILTIN_SEARCH_ENGINES: readonly SearchEngineRule[] = [
  { name: "Google", hosts: ["google."], params: ["q"] },
  { name: "Bing", hosts: ["bing.com"], params: ["q"] },
  { name: "DuckDuckGo", hosts: ["duckduckgo.com"], params: ["q"] },
  // Yahoo's own portal pages (news, mail) are not searches: only its search hosts count.
  { name: "Yahoo", hosts: ["search.yahoo."], params: ["p"] },
  { name: "Yandex", hosts: ["yandex.", "ya.ru"], params: ["text"] },
  // image.baidu.com puts the terms in "word".
  { name: "Baidu", hosts: ["baidu.com"], params: ["wd", "word"] },
  { name: "Qwant", hosts: ["qwant.com"], params: ["q"] },
  { name: "Ecosia", hosts: ["ecosia.org"], params: ["q"] },
  { name: "Startpage", hosts: ["startpage.com"], params: ["query", "q"] },
  { name: "Brave", hosts: ["search.brave.com"], params: ["q"] },
  // "ask.com" does not match askubuntu.com: a suffix pattern needs a "." before it.
  { name: "Ask", hosts: ["ask.com"], params: ["q"] },
  { name: "AOL", hosts: ["search.aol."], params: ["q", "query"] },
  { name: "Daum", hosts: ["search.daum.net"], params: ["q"] },
  { name: "Naver", hosts: ["search.naver.com"], params: ["query"] },
  { name: "Seznam", hosts: ["search.seznam.cz"], params: ["q"] },
];

/** Whether `host` (already lowercased, no port, no trailing dot) matches one host pattern. */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase();
  // A pattern of dots alone would match every host with two dots in a row: treat it as no pattern.
  if (p.replaceAll(".", "") === "") return false;
  if (p.endsWith(".")) return host.startsWith(p) || host.includes(`.${p}`);
  return host === p || host.endsWith(`.${p}`);
}
