import type { DeviceClass } from "./classify-agent";

/**
 * Classification tables for `classifyAgent`, in the goaccess `browsers.c` style: every table is
 * ordered and the FIRST matching row wins, so a more specific row must sit above the row whose
 * needle it contains (Edge above Chrome, Chrome above Safari, Android above Linux…).
 * Every row is exercised by a real user agent in test/core/classify-agent.test.ts.
 */

/** `[needle, name]`: the needle is lowercase and matched as a substring of the lowercased agent. */
export type NeedleRow = readonly [needle: string, name: string];
/** `[pattern, name]`: the pattern's first capture group, when it has one, is the major version. */
export type PatternRow = readonly [pattern: RegExp, name: string];

/**
 * Robots we name ourselves that work for a service — search engines, archives, SEO and AI
 * crawlers, link previews, monitors, the web server itself — and never for a reader: a feed they
 * fetch is indexed or checked, not read, so they are never feed readers. isbot decides "is it a
 * robot" for agents no table names; these tables give stable display names and catch what isbot
 * might miss. Display names follow each robot's own spelling of its token.
 */
export const ROBOTS: readonly NeedleRow[] = [
  // Google: the specialised fetchers first, they all contain "google" and some "googlebot".
  ["googlebot-image", "Googlebot-Image"],
  ["googlebot-mobile", "Googlebot-Mobile"],
  ["googlebot", "Googlebot"],
  ["google web preview", "Google Web Preview"],
  ["google favicon", "Google Favicon"],
  ["googleimageproxy", "Google Image Proxy"],
  ["google desktop", "Google Desktop"],
  // Google Docs' viewer fetches documents on a reader's behalf, appending to a browser agent.
  ["via docs.google.com", "Google Docs Viewer"],
  ["bingbot", "Bingbot"],
  ["bingpreview", "BingPreview"],
  ["msnbot-media", "msnbot-media"],
  ["msnbot", "msnbot"],
  ["slurp", "Yahoo! Slurp"],
  ["baiduspider", "Baiduspider"],
  ["yandexbot", "YandexBot"],
  ["yandeximages", "YandexImages"],
  ["duckduckbot", "DuckDuckBot"],
  ["sogou", "Sogou spider"],
  ["360spider", "360Spider"],
  ["exabot", "Exabot"],
  ["mail.ru_bot", "Mail.RU_Bot"],
  ["applebot", "Applebot"],
  ["petalbot", "PetalBot"],
  ["archive.org_bot", "archive.org_bot"],
  ["ia_archiver", "Alexa (ia_archiver)"],
  // SEO crawlers. Ezooms was Moz's crawler before DotBot.
  ["ahrefsbot", "AhrefsBot"],
  ["semrushbot", "SemrushBot"],
  ["mj12bot", "MJ12bot"],
  ["dotbot", "DotBot"],
  ["ezooms", "Ezooms"],
  // AI crawlers and fetchers.
  ["gptbot", "GPTBot"],
  ["oai-searchbot", "OAI-SearchBot"],
  ["chatgpt-user", "ChatGPT-User"],
  ["claudebot", "ClaudeBot"],
  ["perplexitybot", "PerplexityBot"],
  ["ccbot", "CCBot"],
  ["bytespider", "Bytespider"],
  ["amazonbot", "Amazonbot"],
  // Link previews. Telegram's says "like TwitterBot"; LinkedIn's, "Apache-HttpClient".
  ["meta-externalagent", "meta-externalagent"],
  ["facebookexternalhit", "facebookexternalhit"],
  ["telegrambot", "TelegramBot"],
  ["twitterbot", "Twitterbot"],
  ["linkedinbot", "LinkedInBot"],
  ["flipboardproxy", "FlipboardProxy"],
  ["embedly", "Embedly"],
  // Monitors: isbot's match ("Monitor", "pingdom.com_bot_version") names them badly.
  ["prtg network monitor", "PRTG Network Monitor"],
  ["pingdom.com_bot", "Pingdom"],
  // Apache's parent process waking its children: the server talking to itself over ::1.
  ["(internal dummy connection)", "Apache internal dummy connection"],
];

/**
 * Robots we name that fetch for someone: feed fetchers (FEED_READERS names them as readers
 * too), apps on Google App Engine, headless browsers and HTTP libraries. A feed URL they fetch
 * counts in the feed readers panel, as any agent's does. Checked after ROBOTS.
 */
export const CLIENT_ROBOTS: readonly NeedleRow[] = [
  // Feedly says "like FeedFetcher-Google", so it must come before Feedfetcher-Google.
  ["feedly", "Feedly"],
  ["feedfetcher-google", "Feedfetcher-Google"],
  ["appengine-google", "Google App Engine"],
  ["headlesschrome", "Headless Chrome"],
  ["phantomjs", "PhantomJS"],
  ["curl", "curl"],
  ["wget", "Wget"],
  ["libfetch", "libfetch"],
  ["python-requests", "python-requests"],
  ["python-urllib", "Python-urllib"],
  ["go-http-client", "Go-http-client"],
  ["okhttp", "okhttp"],
  // Apache's Java client says "(Java/1.8.0)" after its own name.
  ["apache-httpclient", "Apache-HttpClient"],
  ["java/", "Java"],
  ["libwww-perl", "libwww-perl"],
];

/**
 * isbot false positives seen in real logs, checked after the robot tables and before isbot.
 * MediaTek feature phones ("WAP Browser/MAUI (HTTPS)", "Maui Browser") trip isbot's "http" and
 * "bare product name" patterns, yet they browse pages and images like people do. Chrome Frame
 * was a plug-in that put Chrome's engine inside Internet Explorer 6–9 (2009–2014): its agent is
 * a person's browser, whatever some robots that borrowed it did (behaviour catches those).
 */
export const NOT_ROBOTS: readonly string[] = ["wap browser", "maui browser", "chromeframe"];

/** Feed readers and aggregators, by the name they give themselves. */
export const FEED_READERS: readonly NeedleRow[] = [
  ["feedly", "Feedly"],
  ["feedfetcher-google", "Feedfetcher-Google"],
  ["tiny tiny rss", "Tiny Tiny RSS"],
  ["inoreader", "Inoreader"],
  ["newsblur", "NewsBlur"],
  ["freshrss", "FreshRSS"],
  ["miniflux", "Miniflux"],
  ["feedbin", "Feedbin"],
  ["theoldreader", "The Old Reader"],
  ["feedparser", "Universal Feed Parser"],
  ["feedburner", "FeedBurner"],
  ["digg feed fetcher", "Digg Reader"],
  ["livejournal.com", "LiveJournal"],
  ["flipboardrss", "Flipboard"],
  ["commafeed", "CommaFeed"],
  ["simplepie", "SimplePie"],
  ["liferea", "Liferea"],
  ["reeder/", "Reeder"],
  ["newsify", "Newsify"],
];

/** Browsers. Derivatives first: they all carry the token of the engine they are built on. */
export const BROWSERS: readonly PatternRow[] = [
  // Chromium derivatives: each also says "Chrome/" and "Safari/".
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/\bOPR\/(\d+)/, "Opera"],
  [/\bYaBrowser\/(\d+)/, "Yandex Browser"],
  [/\bSamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/\bUC ?Browser\/(\d+)/i, "UC Browser"],
  [/\bSilk\/(\d+)/, "Amazon Silk"],
  [/\bDragon\/(\d+)/, "Comodo Dragon"],
  [/\bCoolNovo\/(\d+)/, "CoolNovo"],
  [/\bIron\/(\d+)/, "SRWare Iron"],
  [/\bMetaSr\b/, "Sogou Explorer"],
  [/\bGSA\/(\d+)/, "Google App"],
  [/\bHeadlessChrome\/(\d+)/, "Headless Chrome"],
  [/\bPhantomJS\/(\d+)/, "PhantomJS"],
  [/\bCriOS\/(\d+)/, "Chrome"],
  [/\bFxiOS\/(\d+)/, "Firefox"],
  // Opera before its Chromium days: "Opera/9.80 (…) Presto/2.12 Version/12.16" is Opera 12.
  [/\bOpera Mini\/(\d+)/, "Opera Mini"],
  [/\bOpera\b.*?\bVersion\/(\d+)/, "Opera"],
  [/\bOpera[ /](\d+)/, "Opera"],
  // IE 11 dropped "MSIE"; Trident with "rv:" is how it still says who it is.
  [/\bMSIE (\d+)/, "Internet Explorer"],
  [/\bTrident\/\d.*?\brv:(\d+)/, "Internet Explorer"],
  // Gecko and WebKit derivatives that would otherwise pass for Firefox or Safari.
  [/\bIceweasel\/(\d+)/, "Iceweasel"],
  [/\bSeaMonkey\/(\d+)/, "SeaMonkey"],
  [/\bPaleMoon\/(\d+)/, "Pale Moon"],
  [/\bconkeror\/(\d+)/i, "Conkeror"],
  [/\bThunderbird\/(\d+)/, "Thunderbird"],
  [/\bMidori\/(\d+)/, "Midori"],
  [/\bEpiphany\/(\d+)/, "Epiphany"],
  [/\bKonqueror\/(\d+)/, "Konqueror"],
  [/\brekonq\/(\d+)/, "rekonq"],
  [/\bFirefox\/(\d+)/, "Firefox"],
  [/\bChromium\/(\d+)/, "Chromium"],
  // Case-insensitive: a few Chrome builds (or fakes of them) say "chrome/22.0".
  [/\bChrome\/(\d+)/i, "Chrome"],
  // Android's stock WebKit browser says "Version/4.0 … Safari", so it must precede Safari.
  [/\bAndroid\b.*?\bVersion\/(\d+)/, "Android Browser"],
  [/\bVersion\/(\d+).*?\bSafari\b/, "Safari"],
  // Safari's background fetches (Top Sites…) and iOS system fetches: no version to report.
  [/^(?:Mobile)?Safari\/\d/, "Safari"],
  // Text browsers put their version in a comment: "ELinks (0.4.3; …)", "Links (2.7; …)".
  [/\bELinks\b[ /(]*(\d+)?/, "ELinks"],
  [/\bLinks\b[ /(]*(\d+)?/, "Links"],
  [/\bLynx\/(\d+)/, "Lynx"],
  // Feature phones.
  [/\bUP\.Browser\/(\d+)/, "Openwave"],
  [/\bSEMC-Browser\/(\d+)/, "SEMC Browser"],
  [/maui/i, "MAUI Browser"],
];

/** Operating systems, by family. */
export const OPERATING_SYSTEMS: readonly PatternRow[] = [
  [/Windows Phone/i, "Windows Phone"],
  [/Windows Mobile|Windows CE/i, "Windows Mobile"],
  // iOS agents say "like Mac OS X": they must be caught before macOS.
  [/\b(?:iPhone|iPad|iPod)\b/, "iOS"],
  // Android agents say "Linux": they must be caught before Linux.
  [/\bAndroid\b/, "Android"],
  // Kindle Fire runs Fire OS, an Android, but its Silk browser only says "Linux".
  [/\bSilk\/|\bKF[A-Z]{2,6}\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/Mac OS X|Macintosh|MacBook|\biMac\b/, "macOS"],
  // Apple's HTTP stack ("CFNetwork/… Darwin/…") with no Mac marker above is an iOS app.
  [/\bCFNetwork\//, "iOS"],
  [/Windows|\bWin(?:32|64|NT|9[58])\b|CYGWIN/i, "Windows"],
  [/\b(?:Free|Open|Net)BSD\b|DragonFly/, "BSD"],
  [/\bSunOS\b|Solaris/, "Solaris"],
  [/Linux|\bX11\b|Ubuntu/i, "Linux"],
  [/\bJ2ME\b|\bMIDP\b/, "Java ME"],
];

/**
 * Device classes that the operating system alone cannot tell (tablets, phones whose OS we do not
 * know). When no row matches, DEVICE_BY_OS decides.
 */
export const DEVICES: readonly (readonly [pattern: RegExp, device: DeviceClass])[] = [
  // iPads say "Mobile/…" too, so tablets come first.
  [/\biPad\b/, "tablet"],
  // Firefox for Android says "Android; Tablet"; "Tablet PC 2.0" is a Windows desktop add-on.
  [/\bTablet\b(?! PC)/i, "tablet"],
  // Kindle Fire: "Silk/…" and models "KFAPWI", "KFTT"…
  [/\bSilk\/|\bKF[A-Z]{2,6}\b/, "tablet"],
  // Windows RT (Surface): "Windows NT 6.3; ARM; … Touch".
  [/Windows NT[^)]*\bARM\b/, "tablet"],
  [/Windows Phone|Windows Mobile|IEMobile/i, "mobile"],
  [/\b(?:iPhone|iPod)\b|\bMobile\b|\bOpera Mini\b/, "mobile"],
  // Dalvik is Android's HTTP client inside apps; it never says which form factor, and phones
  // outnumber tablets by far.
  [/\bDalvik\//, "mobile"],
  // Google's rule: an Android browser that does not say "Mobile" runs on a tablet.
  [/\bAndroid\b/, "tablet"],
  // Feature phones: Java ME profiles, WAP and MediaTek browsers.
  [/\bMIDP\b|\bJ2ME\b|UP\.Browser|WAP Browser|maui|\bMTK\b/i, "mobile"],
];

/** Device class implied by the operating system family, when DEVICES did not decide. */
export const DEVICE_BY_OS: Readonly<Record<string, DeviceClass>> = {
  Windows: "desktop",
  macOS: "desktop",
  Linux: "desktop",
  ChromeOS: "desktop",
  BSD: "desktop",
  Solaris: "desktop",
  iOS: "mobile",
  Android: "mobile",
  "Windows Phone": "mobile",
  "Windows Mobile": "mobile",
  "Java ME": "mobile",
};

/**
 * Words too generic to name a robot when they are all isbot matched ("http", "bot", "Feed"…).
 * Lowercase.
 */
export const GENERIC_ROBOT_WORDS: ReadonlySet<string> = new Set([
  "mozilla",
  "compatible",
  "http",
  "https",
  "www",
  "com",
  "bot",
  "bots",
  "robot",
  "spider",
  "crawler",
  "crawl",
  "feed",
  "feeds",
  "rss",
  "news",
  "proxy",
  "preview",
  "agent",
  "user-agent",
  "google",
  "archive",
  "library",
  "server",
  "fetch",
  "fetcher",
]);

/** Product tokens of ordinary browsers, skipped when looking for a robot's own product token. */
export const BROWSER_PRODUCT_TOKENS: ReadonlySet<string> = new Set([
  "mozilla",
  "applewebkit",
  "khtml",
  "gecko",
  "safari",
  "chrome",
  "chromium",
  "version",
  "firefox",
  "trident",
  "presto",
  "mobile",
  "cfnetwork",
  "darwin",
  "opera",
  "msie",
  "edge",
]);
