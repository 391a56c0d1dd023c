import type { SearchEngineRule } from "./search-engines";
import { BUILTIN_SEARCH_ENGINES } from "./search-engines";
import { parseOffsetMinutes } from "./log-clock";
import type { RobotRules } from "./visitor-day";
import { ASSET_EXTENSIONS, DOWNLOAD_EXTENSIONS } from "./media-types";

/** Everything the analysis can be told; `resolveConfig` fills it from defaults plus a user's file. */
export interface AnalysisConfig {
  /** Preset (`combined`, `common`, `vhost_combined`, `nginx`) or a LogFormat / log_format string. */
  format: string;
  /** The site's own host names: a referer on one of them (or a subdomain) is internal. */
  siteHosts: string[];
  /** Statuses that make a hit a page view (with a page path). */
  pageStatuses: number[];
  /**
   * Extensions (lowercase, no dot) of static assets: never pages. Built in: those whose media
   * type is an image, audio, video, font, text (but HTML), script or data a page loads.
   */
  assetExtensions: string[];
  /**
   * Extensions of downloads: never pages. Built in: archives, packages, documents, disk images,
   * executables… (every other media type but HTML's and PHP's). `tar.gz` works: matched as a suffix.
   */
  downloadExtensions: string[];
  /** Path prefixes that are downloads whatever their extension (never pages either). */
  downloadPaths: string[];
  /** Substrings of a lowercased path or query that mark a feed request, when not followed by a letter. */
  feedPatterns: string[];
  /**
   * Substrings of a lowercased path that scanners probe for (`/.env`, `/.git/`…): a request for
   * one answered 4xx makes its visitor, and its address that day, a robot.
   */
  probePaths: string[];
  /**
   * Substrings of a lowercased path that mark a form page (login, join, password…): a visitor-day
   * that posts and views no page but forms is a robot (form spam).
   */
  formPaths: string[];
  searchEngines: SearchEngineRule[];
  /** Visitors whose every hit is listed: exact client addresses, address prefixes ending in `.` or `:`, or user-agent substrings. */
  watched: { addresses: string[]; userAgents: string[] };
  /** Fixed offset (`+0100`) for day and hour buckets; null keeps each line's own offset. */
  timeZone: string | null;
  /** A visit ends after this many seconds without a request. */
  visitGapSeconds: number;
  /** A visitor-day with at least this many POSTs is a robot (form spam loops). */
  robotPostBurst: number;
  /** A visitor-day with more than this many 4xx answers is a robot (scanners). */
  robotErrorLimit: number;
  /** An address whose day has this many user agents and not one asset request is a robot. */
  robotAgentLimit: number;
  /** An address whose day has this many page views, at `robotPageRate` a minute or more, is a robot. */
  robotCrawlPages: number;
  robotPageRate: number;
  /**
   * A day's per-visitor records are kept while it is at most this many days before the site's
   * latest day; then the day closes (docs/storage.md).
   */
  openDays: number;
  /** A month is sealed (its visitor set dropped) this many days after its last day. */
  sealDays: number;
  /** A panel of a month (or year) stores at most this many keys; later new keys count in its totals only. */
  panelKeys: number;
}

export const DEFAULT_CONFIG: AnalysisConfig = {
  format: "combined",
  siteHosts: [],
  pageStatuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 304],
  // Built in from the media type database (scripts/build-media-types.mjs states the rule).
  assetExtensions: [...ASSET_EXTENSIONS],
  downloadExtensions: [...DOWNLOAD_EXTENSIONS],
  downloadPaths: [],
  feedPatterns: [
    "/feed",
    "/rss",
    "/atom",
    ".rss",
    ".atom",
    ".rdf",
    "rss.xml",
    "atom.xml",
    "flav=rss",
    "flav=atom",
    "feed=rss",
    "feed=atom",
    "format=rss",
    "format=atom",
  ],
  probePaths: [
    "/.env",
    "/.git/",
    "/.git/config",
    "/.svn/",
    "/.hg/",
    "/.aws/",
    "/.ds_store",
    "/wp-login.php",
    "/wp-admin",
    "/xmlrpc.php",
    "/wp-config",
    "/phpmyadmin",
    "/pma/",
    "/myadmin",
    "/mysqladmin",
    "/adminer",
    "/phpinfo",
    "/server-status",
    "/cgi-bin/",
    "/vendor/phpunit",
    "/.well-known/security.txt.php",
    "/config.php",
    "/setup.php",
    "/install.php",
    "/shell.php",
    "/etc/passwd",
  ],
  formPaths: [
    "login",
    "logon",
    "signin",
    "sign-in",
    "sign_in",
    "signup",
    "sign-up",
    "register",
    "join_form",
    "/join",
    "password",
    "_form",
    "/contact",
  ],
  searchEngines: [...BUILTIN_SEARCH_ENGINES],
  watched: { addresses: [], userAgents: [] },
  timeZone: null,
  visitGapSeconds: 30 * 60,
  robotPostBurst: 4,
  robotErrorLimit: 10,
  robotAgentLimit: 5,
  robotCrawlPages: 30,
  robotPageRate: 10,
  openDays: 2,
  sealDays: 7,
  panelKeys: 20_000,
};

/** The configuration's lists: each extends the built-in one unless named in `replace`. */
export const LIST_KEYS = [
  "siteHosts",
  "pageStatuses",
  "assetExtensions",
  "downloadExtensions",
  "downloadPaths",
  "feedPatterns",
  "probePaths",
  "formPaths",
  "searchEngines",
] as const;
type ListKey = (typeof LIST_KEYS)[number];

/**
 * A user's configuration: every list extends the built-in one (as IWLA's `_append`), unless the
 * key is named in `replace`, in which case the user's list is used alone.
 */
export type UserConfig = Partial<AnalysisConfig> & { replace?: ListKey[] };

export type ConfigResult = { ok: true; config: AnalysisConfig } | { ok: false; errors: string[] };

/** Merges a user's configuration into the defaults and checks it; lists every bad key at once. */
export function resolveConfig(user: UserConfig = {}): ConfigResult {
  const errors: string[] = [];
  const known = new Set<string>([...Object.keys(DEFAULT_CONFIG), "replace"]);
  for (const k of Object.keys(user)) if (!known.has(k)) errors.push(`${k}: unknown key`);
  const replace = new Set(user.replace ?? []);
  for (const k of replace)
    if (!LIST_KEYS.includes(k)) errors.push(`replace: ${k} is not a list key`);
  const config: AnalysisConfig = { ...DEFAULT_CONFIG, watched: { ...DEFAULT_CONFIG.watched } };
  for (const k of LIST_KEYS) {
    const v = user[k];
    if (v === undefined) continue;
    if (!Array.isArray(v)) {
      errors.push(`${k}: must be a list`);
      continue;
    }
    // Only the user's part is normalised: the built-in lists already are, and run to 1,400 entries.
    const given =
      k === "assetExtensions" || k === "downloadExtensions" ? (v as string[]).map(extension) : v;
    (config[k] as unknown[]) = replace.has(k)
      ? [...given]
      : [...(DEFAULT_CONFIG[k] as unknown[]), ...given];
  }
  if (user.format !== undefined) {
    if (typeof user.format !== "string" || !user.format)
      errors.push("format: must be a preset name or a format string");
    else config.format = user.format;
  }
  if (user.watched !== undefined) {
    const w = user.watched;
    if (
      typeof w !== "object" ||
      w === null ||
      !Array.isArray(w.addresses ?? []) ||
      !Array.isArray(w.userAgents ?? [])
    )
      errors.push("watched: must be { addresses: [], userAgents: [] }");
    else
      config.watched = {
        addresses: [...(w.addresses ?? [])],
        userAgents: [...(w.userAgents ?? [])],
      };
  }
  if (user.timeZone !== undefined && user.timeZone !== null) {
    if (typeof user.timeZone !== "string" || parseOffsetMinutes(user.timeZone) === null)
      errors.push("timeZone: must be a fixed offset such as +0100, or null");
    else config.timeZone = user.timeZone;
  }
  for (const k of [
    "visitGapSeconds",
    "robotPostBurst",
    "robotErrorLimit",
    "robotAgentLimit",
    "robotCrawlPages",
    "robotPageRate",
    "openDays",
    "sealDays",
    "panelKeys",
  ] as const) {
    const v = user[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
      errors.push(`${k}: must be a positive integer`);
    else config[k] = v;
  }
  if (config.openDays > 366) errors.push("openDays: at most 366");
  if (config.sealDays < config.openDays || config.sealDays > 731)
    errors.push("sealDays: from openDays to 731");
  if (config.panelKeys < 100 || config.panelKeys > 1_000_000)
    errors.push("panelKeys: from 100 to 1,000,000");
  for (const s of config.pageStatuses)
    if (!Number.isInteger(s) || s < 100 || s > 599)
      errors.push(`pageStatuses: ${s} is not an HTTP status`);
  for (const e of config.searchEngines) {
    if (!e || typeof e.name !== "string" || !Array.isArray(e.hosts) || !Array.isArray(e.params))
      errors.push(`searchEngines: each needs name, hosts[] and params[]`);
  }
  config.siteHosts = config.siteHosts.map((h) => h.toLowerCase());
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

/** An extension as the lists keep it: lowercase, no leading dot. */
const extension = (e: string): string => e.toLowerCase().replace(/^\./, "");

/** The robot rules of a configuration. */
export function robotRules(c: AnalysisConfig): RobotRules {
  return {
    robotPostBurst: c.robotPostBurst,
    robotErrorLimit: c.robotErrorLimit,
    robotAgentLimit: c.robotAgentLimit,
    robotCrawlPages: c.robotCrawlPages,
    robotPageRate: c.robotPageRate,
  };
}
