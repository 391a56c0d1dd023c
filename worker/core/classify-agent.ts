import { isbot, isbotMatch } from "isbot";
import { remembered } from "./memo";
import {
  BROWSERS,
  BROWSER_PRODUCT_TOKENS,
  CLIENT_ROBOTS,
  DEVICES,
  DEVICE_BY_OS,
  FEED_READERS,
  GENERIC_ROBOT_WORDS,
  NOT_ROBOTS,
  OPERATING_SYSTEMS,
  ROBOTS,
  type NeedleRow,
  type PatternRow,
} from "./agent-tables";

export type DeviceClass = "desktop" | "mobile" | "tablet" | "robot" | "other";

export interface AgentInfo {
  /** Browser family ("Chrome", "Firefox"…); "Other" when unknown, "Unknown" for "-" or "". */
  browser: string;
  /** Major version only ("32"); "" when the agent states none. */
  browserVersion: string;
  /** Operating system family ("Windows", "iOS"…); "Other" when unknown, "Unknown" for "-" or "". */
  os: string;
  /** "robot" exactly when `robot` is not null. */
  device: DeviceClass;
  /** Crawler display name when the agent says it is one, else null. */
  robot: string | null;
  /** Feed reader display name, independent of `robot` (Feedfetcher-Google is both). */
  feedReader: string | null;
  /**
   * True for a robot that works for a service, never for a reader (Googlebot, a monitor: the
   * ROBOTS table): even on a feed URL it is not a feed reader.
   */
  notFeedReader: boolean;
  /** N from "N subscribers" / "N readers" stated in the agent, else 0. */
  subscribers: number;
}

/**
 * Every token we classify on sits in the first few hundred characters of a real agent; the cap
 * bounds the regex work a hostile 10 kB header can cause.
 */
const MAX_AGENT_LENGTH = 2048;
/** Robot names become panel keys: a garbage agent must not become a garbage key of any size. */
const MAX_ROBOT_NAME_LENGTH = 64;

const SUBSCRIBERS = /\b(\d{1,9}) +(?:subscribers?|readers?)\b/i;
/** "Name/1.2" product tokens, at the start or after "(", ";" or a space. */
const PRODUCT_TOKEN = /(?:^|[(;\s])([A-Za-z][\w.!-]*)\/v?\d/g;
const FIRST_URL_HOST = /\bhttps?:\/\/(?:www\.)?([\w-]+(?:\.[\w-]+)+)/i;
/** Trailing version of a bare product: "LumiBot 2.0", "binlar_2.6.3", "nutch-1.4". */
const TRAILING_VERSION = /[\s_-]+v?\d[\w.]*$/;
const WORD_CHAR = /[\w.!-]/;
/** A contact address after the product: "binlar_2.6.3 test@mgmt.mic". */
const TRAILING_EMAIL = /\s+\S+@\S+$/;

/**
 * Classify a User-Agent header into browser, OS, device class, robot and feed reader. Pure and
 * total: any string (and even a non-string) gives an answer, never an exception. Answers are
 * remembered by the process or isolate (see memo.ts) and shared: the same agent gives the same
 * frozen object.
 */
export const classifyAgent: (ua: string) => Readonly<AgentInfo> = remembered(classify);

function classify(ua: string): AgentInfo {
  const raw = typeof ua === "string" ? ua.trim() : "";
  // "-" is how Apache logs a missing header: nothing to classify; behaviour decides elsewhere.
  if (raw === "" || raw === "-") {
    return {
      browser: "Unknown",
      browserVersion: "",
      os: "Unknown",
      device: "other",
      robot: null,
      feedReader: null,
      notFeedReader: false,
      subscribers: 0,
    };
  }
  const text = raw.length > MAX_AGENT_LENGTH ? raw.slice(0, MAX_AGENT_LENGTH) : raw;
  const lower = text.toLowerCase();

  const [browser, browserVersion] = matchPattern(BROWSERS, text) ?? ["Other", ""];
  const os = matchPattern(OPERATING_SYSTEMS, text)?.[0] ?? "Other";
  const feedReader = matchNeedle(FEED_READERS, lower);
  const serviceRobot = matchNeedle(ROBOTS, lower);
  const robot = serviceRobot ?? robotName(text, lower, feedReader);
  const notFeedReader = serviceRobot !== null && feedReader === null;
  const device: DeviceClass =
    robot !== null
      ? "robot"
      : (DEVICES.find(([pattern]) => pattern.test(text))?.[1] ?? DEVICE_BY_OS[os] ?? "other");
  const subscribers = Number(SUBSCRIBERS.exec(text)?.[1] ?? 0);

  return { browser, browserVersion, os, device, robot, feedReader, notFeedReader, subscribers };
}

function matchNeedle(table: readonly NeedleRow[], lower: string): string | null {
  for (const [needle, name] of table) if (lower.includes(needle)) return name;
  return null;
}

/** First matching row as `[name, majorVersion]`, or null. */
function matchPattern(table: readonly PatternRow[], text: string): [string, string] | null {
  for (const [pattern, name] of table) {
    const m = pattern.exec(text);
    if (m) return [name, m[1] ?? ""];
  }
  return null;
}

/** The display name of a robot that ROBOTS does not name, or null when the agent is not a robot. */
function robotName(text: string, lower: string, feedReader: string | null): string | null {
  const known = matchNeedle(CLIENT_ROBOTS, lower);
  if (known !== null) return known;
  if (NOT_ROBOTS.some((needle) => lower.includes(needle))) return null;
  if (!isbot(text)) return null;
  const name = feedReader ?? nameFromMatch(text) ?? productToken(text) ?? urlHost(text);
  return name === null ? "Other robot" : name.slice(0, MAX_ROBOT_NAME_LENGTH);
}

/**
 * The word around what isbot matched: "Bot" in "Mail.RU_Bot/2.0" gives "Mail.RU_Bot", a whole
 * bare agent "Xenu Link Sleuth/1.3.8" gives "Xenu Link Sleuth". Rejects matches inside a URL or
 * an e-mail address and words too generic to name anything ("http", "Feed"…).
 */
function nameFromMatch(text: string): string | null {
  const match = isbotMatch(text);
  if (!match) return null;
  let start = text.indexOf(match);
  if (start < 0) return null;
  let end = start + match.length;
  while (start > 0 && WORD_CHAR.test(text[start - 1]!)) start--;
  while (end < text.length && WORD_CHAR.test(text[end]!)) end++;
  const before = text[start - 1];
  const after = text[end];
  if (before === "/" || before === "@" || after === ":" || after === "@") return null;
  return bareProduct(text.slice(start, end));
}

/**
 * "Chef Client/10.18.2 (…)" gives "Chef Client", "binlar_2.6.3 test@mgmt.mic" gives "binlar";
 * null for a generic or empty name.
 */
function bareProduct(token: string): string | null {
  const name = token
    .split(/[/(;+,]/)[0]!
    .trim()
    .replace(TRAILING_EMAIL, "")
    .replace(TRAILING_VERSION, "");
  if (name.length < 2 || !/[a-z]/i.test(name) || /[@:]/.test(name)) return null;
  return GENERIC_ROBOT_WORDS.has(name.toLowerCase()) ? null : name;
}

/**
 * The agent's own product: its leading product when it does not pretend to be Mozilla
 * ("distilator/0.1 (http://…)"), else its first non-browser "Name/1.0" token
 * ("Mozilla/5.0 (compatible; YandexImages/3.0; …)").
 */
function productToken(text: string): string | null {
  if (!/^mozilla\//i.test(text)) return bareProduct(text);
  for (const m of text.matchAll(PRODUCT_TOKEN)) {
    const name = m[1]!;
    if (!BROWSER_PRODUCT_TOKENS.has(name.toLowerCase())) return bareProduct(name);
  }
  return null;
}

/** Last resort: the site the robot points to ("http://spinn3r.com/robot" gives "spinn3r.com"). */
function urlHost(text: string): string | null {
  return FIRST_URL_HOST.exec(text)?.[1] ?? null;
}
