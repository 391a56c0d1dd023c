import { percentDecode } from "./percent-decode";
import { perConfiguration, remembered } from "./memo";
import { hostMatchesPattern, type SearchEngineRule } from "./search-engines";

/** The keyword of a search whose terms the referer does not carry (https Google, empty `q=`). */
export const NOT_PROVIDED = "(not provided)";

export type RefererClass =
  /** "-" or empty. */
  | { kind: "direct" }
  /** The host is one of the site's own hosts, whatever the path or query. */
  | { kind: "internal" }
  /**
   * `keyword` is normalised (see normaliseKeyword), NOT_PROVIDED when the terms are absent.
   * `image` is present (true) when the referer is the engine's image search (see isImageSearch).
   */
  | { kind: "search"; engine: string; keyword: string; image?: true }
  /**
   * Any other referer. `host` is lowercased, without port, userinfo, trailing dot or a leading
   * "www." (so www.a.org and a.org add up); `url` is the referer up to its path: scheme
   * lowercased, userinfo removed, query and fragment dropped, host and path as written.
   * host "" means "not a link": the referer is not http(s) with a valid host (javascript:,
   * android-app:, no scheme, garbage) and `url` is the referer verbatim, to show as text only.
   */
  | { kind: "site"; host: string; url: string };

export interface RefererOptions {
  /**
   * Bare host names of the site, compared case-insensitively and with or without "www.":
   * "example.org" also matches www.example.org (and the other way round). Other subdomains
   * (blog.example.org) are not internal unless listed.
   */
  siteHosts: readonly string[];
  /** Tried in order, first matching host wins: e.g. [...userRules, ...BUILTIN_SEARCH_ENGINES]. */
  engines: readonly SearchEngineRule[];
}

/**
 * Builds the referer classifier for one site. Referers are attacker-controlled: it never throws,
 * and only an http(s) referer with a well-formed host can come out as a site with a host (a link).
 * Meant to run once per distinct referer (the caller caches), so it favours clarity over speed.
 */
export const createRefererClassifier: (
  opts: RefererOptions,
) => (referer: string) => Readonly<RefererClass> = perConfiguration(
  (opts) => remembered(refererClassifier(opts)),
  (opts) => JSON.stringify([opts.siteHosts, opts.engines]),
);

function refererClassifier(opts: RefererOptions): (referer: string) => RefererClass {
  const siteHosts = new Set(
    opts.siteHosts.map((h) => withoutWww(h.trim().toLowerCase().replace(/\.$/, ""))),
  );
  // Copied so that a caller mutating its rules later cannot change a classifier in use.
  const engines = opts.engines.map((e) => ({
    name: e.name,
    hosts: [...e.hosts],
    params: [...e.params],
  }));

  return (referer) => {
    const trimmed = referer.trim();
    if (trimmed === "" || trimmed === "-") return { kind: "direct" };
    const url = splitHttpUrl(trimmed);
    if (url === null) return { kind: "site", host: "", url: referer };
    const site = withoutWww(url.host);
    if (siteHosts.has(site)) return { kind: "internal" };
    const engine = engines.find((e) => e.hosts.some((p) => hostMatchesPattern(url.host, p)));
    if (engine) {
      const found: RefererClass = {
        kind: "search",
        engine: engine.name,
        keyword: findKeyword(url.query, engine.params),
      };
      if (isImageSearch(url)) found.image = true;
      return found;
    }
    return { kind: "site", host: site, url: url.link };
  };
}

interface HttpUrl {
  /** Lowercased, no port, no trailing dot; IPv6 keeps its brackets. */
  host: string;
  /** The query without "?", or null when there is none. */
  query: string | null;
  /** scheme://host[:port]/path, safe to use as a link once HTML-escaped. */
  link: string;
  /** The path as written ("" when the URL has none). */
  path: string;
}

const HTTP_SCHEME = /^(https?):\/\//i;
// What a host may be made of: letters and digits of any script (IDN hosts as typed, or as the
// log's decoder rendered them), combining marks, "-", ".", "_" (seen: daniel_en_sander.basjes.nl)
// and "~". Anything else — spaces, quotes, "<", U+FFFD from undecodable bytes — is not a host.
const HOST_CHARS = /^[\p{L}\p{N}\p{M}._~-]+$/u;
const HAS_ALNUM = /[\p{L}\p{N}]/u;
const IPV6_CHARS = /^\[[0-9a-f:.]*:[0-9a-f:.]*\]$/i;
const PORT = /^(:\d*)?$/;

/** Splits an http(s) URL by hand (the core has no URL class), or null when it is not one. */
function splitHttpUrl(s: string): HttpUrl | null {
  const scheme = HTTP_SCHEME.exec(s);
  if (scheme === null) return null;
  const rest = s.slice(scheme[0].length);
  // Browsers end the authority at "\" too for http(s): "http://evil.com\@good.com" goes to
  // evil.com, so ending it there keeps the host we report equal to the one a click would reach.
  const authorityEnd = firstIndexOf(rest, "/?#\\");
  const authority = rest.slice(0, authorityEnd);
  const afterAuthority = rest.slice(authorityEnd);
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);

  let rawHost: string;
  let port: string;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]") + 1;
    if (close === 0) return null;
    rawHost = hostPort.slice(0, close);
    port = hostPort.slice(close);
    if (!IPV6_CHARS.test(rawHost)) return null;
  } else {
    const colon = hostPort.lastIndexOf(":");
    rawHost = colon < 0 ? hostPort : hostPort.slice(0, colon);
    port = colon < 0 ? "" : hostPort.slice(colon);
    if (!HOST_CHARS.test(rawHost) || !HAS_ALNUM.test(rawHost)) return null;
  }
  if (!PORT.test(port)) return null;

  const pathEnd = firstIndexOf(afterAuthority, "?#");
  const hashAt = afterAuthority.indexOf("#");
  const query =
    afterAuthority[pathEnd] === "?"
      ? afterAuthority.slice(pathEnd + 1, hashAt < 0 ? undefined : hashAt)
      : null;
  return {
    host: rawHost.toLowerCase().replace(/\.$/, ""),
    query,
    link: `${scheme[1].toLowerCase()}://${hostPort}${afterAuthority.slice(0, pathEnd)}`,
    path: afterAuthority.slice(0, pathEnd),
  };
}

// How the engines' image searches show in a referer: a host of their own (images.google.fr,
// images.search.yahoo.com, image.baidu.com), a path (Google's /imgres result page, Bing's and
// Yandex's /images/search, Ecosia's /images) or a query switch (Google's tbm=isch and udm=2,
// DuckDuckGo's iax=images, Qwant's t=images).
const IMAGE_HOST = /^images?\./;
const IMAGE_PATH = /^\/(?:imgres|images)(?:[/?]|$)/i;
const IMAGE_QUERY = /(?:^|&)(?:tbm=isch|udm=2|iax?=images|t=images)(?:&|$)/;

/** Whether a search engine's referer comes from its image search. */
function isImageSearch(url: HttpUrl): boolean {
  return (
    IMAGE_HOST.test(url.host) ||
    IMAGE_PATH.test(url.path) ||
    (url.query !== null && IMAGE_QUERY.test(url.query))
  );
}

/** Index of the first character of `s` that is in `chars`, or s.length. */
function firstIndexOf(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i])) return i;
  return s.length;
}

/** "www.a.org" → "a.org"; "www.org" stays, as dropping "www." would leave a bare suffix. */
function withoutWww(host: string): string {
  return host.startsWith("www.") && host.slice(4).includes(".") ? host.slice(4) : host;
}

/**
 * The first non-empty search terms among `params` (in preference order), normalised, or
 * NOT_PROVIDED. A value that is itself a well-formed http(s) URL is skipped: Google's
 * /url?q=http…&sa=D redirects (links followed from Gmail or Docs) put the destination in "q", and
 * it is not a search. A person searching for a full URL loses it too; one that is not well formed
 * ("http://`www.google.com/", seen on images.google.com) is kept.
 */
function findKeyword(query: string | null, params: readonly string[]): string {
  if (query === null) return NOT_PROVIDED;
  const pairs = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    return eq < 0
      ? { key: pair, value: "" }
      : { key: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
  for (const param of params) {
    for (const { key, value } of pairs) {
      if (percentDecode(key, true) !== param) continue;
      const keyword = normaliseKeyword(value);
      if (keyword !== "" && splitHttpUrl(keyword) === null) return keyword;
    }
  }
  return NOT_PROVIDED;
}

/** Percent-decoded ("+" is a space), lowercased, trimmed, runs of spaces or controls made one space. */
function normaliseKeyword(value: string): string {
  return percentDecode(value, true)
    .toLowerCase()
    .replace(/[\s\p{Cc}]+/gu, " ")
    .trim();
}
