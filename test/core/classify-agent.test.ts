import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BROWSERS,
  CLIENT_ROBOTS,
  DEVICES,
  FEED_READERS,
  NOT_ROBOTS,
  OPERATING_SYSTEMS,
  ROBOTS,
} from "../../worker/core/agent-tables";
import { classifyAgent, type AgentInfo, type DeviceClass } from "../../worker/core/classify-agent";
import { rng } from "../random";

/** Every user agent of a fixture log with its hit count. The agent is the third quoted field. */
function agentsOf(name: string): Map<string, number> {
  const text = readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
  const agents = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    // Splitting on quotes also copes with line 8899 of semicomplete, whose agent has no closing quote.
    const ua = line.split('"')[5] ?? "";
    agents.set(ua, (agents.get(ua) ?? 0) + 1);
  }
  return agents;
}

const SEMICOMPLETE = agentsOf("semicomplete-2015-05.combined.log");
const BASJES = agentsOf("basjes-2015-10-hackers.combined.log");

type HumanCase = [ua: string, browser: string, version: string, os: string, device: DeviceClass];

const human = ([, browser, browserVersion, os, device]: HumanCase): AgentInfo => ({
  browser,
  browserVersion,
  os,
  device,
  robot: null,
  feedReader: null,
  notFeedReader: false,
  subscribers: 0,
});

// People's browsers, every one a line of the fixture logs.
const BROWSER_CASES: HumanCase[] = [
  // The log's top agent. Chrome says "Safari/" too.
  [
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36",
    "Chrome",
    "32",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/33.0.1750.91 Safari/537.36",
    "Chrome",
    "33",
    "macOS",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36",
    "Chrome",
    "32",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; CrOS x86_64 6310.68.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.96 Safari/537.36",
    "Chrome",
    "39",
    "ChromeOS",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; FreeBSD amd64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/30.0.1599.101 Safari/537.36",
    "Chrome",
    "30",
    "BSD",
    "desktop",
  ],
  // "X11" yet Windows: the platform token wins over the windowing system.
  [
    "Mozilla/5.0 (X11; Windows x86_64) AppleWebKit/536.11 (KHTML, like Gecko) chrome/22.0.1190.0 Safari/536.11",
    "Chrome",
    "22",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Linux; Android 4.4.2; Nexus 4 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.99 Mobile Safari/537.36",
    "Chrome",
    "32",
    "Android",
    "mobile",
  ],
  // Android 4.4's stock browser is a Chrome WebView: "Version/4.0" must not make it Android Browser.
  [
    "Mozilla/5.0 (Linux; Android 4.4.2; Nexus 5 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/30.0.0.0 Mobile Safari/537.36",
    "Chrome",
    "30",
    "Android",
    "mobile",
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) CriOS/32.0.1700.21 Mobile/11B554a Safari/9537.53",
    "Chrome",
    "32",
    "iOS",
    "mobile",
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 7_0 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) CriOS/32.0.1700.21 Mobile/11A465 Safari/9537.53",
    "Chrome",
    "32",
    "iOS",
    "tablet",
  ],
  [
    "Mozilla/5.0 (X11; Linux i686) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/32.0.1700.102 Chrome/32.0.1700.102 Safari/537.36",
    "Chromium",
    "32",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:27.0) Gecko/20100101 Firefox/27.0",
    "Firefox",
    "27",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0",
    "Firefox",
    "27",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.7; rv:22.0) Gecko/20100101 Firefox/22.0",
    "Firefox",
    "22",
    "macOS",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; NetBSD amd64; rv:24.0) Gecko/20131021 Firefox/24.0",
    "Firefox",
    "24",
    "BSD",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows; U; Windows NT 5.2; en-US; rv:1.8.1.4) Gecko/20070515 Firefox/2.0.0.4",
    "Firefox",
    "2",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Android; Mobile; rv:27.0) Gecko/27.0 Firefox/27.0",
    "Firefox",
    "27",
    "Android",
    "mobile",
  ],
  [
    "Mozilla/5.0 (Android; Tablet; rv:27.0) Gecko/27.0 Firefox/27.0",
    "Firefox",
    "27",
    "Android",
    "tablet",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64; rv:20.0) Gecko/20100101 Firefox/20.0 Iceweasel/20.0",
    "Iceweasel",
    "20",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64; rv:26.0) Gecko/20100101 Firefox/26.0 SeaMonkey/2.23",
    "SeaMonkey",
    "2",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:24.0) Gecko/20140208 Firefox/24.0 PaleMoon/24.3.2",
    "Pale Moon",
    "24",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Linux i686; rv:27.0) Gecko/20100101 conkeror/1.0pre",
    "Conkeror",
    "1",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64; rv:24.0) Gecko/20100101 Thunderbird/24.2.0 Lightning/2.6.4",
    "Thunderbird",
    "24",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Linux; rv:2.0.1) Gecko/20100101 Firefox/4.0.1 Midori/0.4",
    "Midori",
    "0",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; U; SunOS sun4u; en-US; rv:1.7.5) Gecko/20050105 Epiphany/1.4.8",
    "Epiphany",
    "1",
    "Solaris",
    "desktop",
  ],
  [
    "Mozilla/5.0 (compatible; Konqueror/3.5; OpenBSD) KHTML/3.5.9 (like Gecko)",
    "Konqueror",
    "3",
    "BSD",
    "desktop",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.21 (KHTML, like Gecko) rekonq/2.4.2 Safari/537.21",
    "rekonq",
    "2",
    "Linux",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.73.11 (KHTML, like Gecko) Version/7.0.1 Safari/537.73.11",
    "Safari",
    "7",
    "macOS",
    "desktop",
  ],
  // iOS says "like Mac OS X"; iPads say "Mobile/…".
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) Version/7.0 Mobile/11B554a Safari/9537.53",
    "Safari",
    "7",
    "iOS",
    "mobile",
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) Version/7.0 Mobile/11B554a Safari/9537.53",
    "Safari",
    "7",
    "iOS",
    "tablet",
  ],
  [
    "Mozilla/5.0 (iPod; CPU iPhone OS 6_1_3 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10B329 Safari/8536.25",
    "Safari",
    "6",
    "iOS",
    "mobile",
  ],
  // Apple's HTTP stack: a Mac when it names the machine, else an iOS device.
  [
    "Safari/9537.73.11 CFNetwork/673.0.3 Darwin/13.0.0 (x86_64) (MacBookPro8%2C1)",
    "Safari",
    "",
    "macOS",
    "desktop",
  ],
  ["MobileSafari/9537.53 CFNetwork/672.0.8 Darwin/14.0.0", "Safari", "", "iOS", "mobile"],
  // An in-app web view: iOS, but no browser to name.
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) Mobile/11B554a",
    "Other",
    "",
    "iOS",
    "mobile",
  ],
  [
    "Mozilla/5.0 (Linux; U; Android 4.3; en-us; GT-I9300 Build/JSS15J) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
    "Android Browser",
    "4",
    "Android",
    "mobile",
  ],
  // No "Mobile" on Android: a tablet (Galaxy Tab 3).
  [
    "Mozilla/5.0 (Linux; U; Android 4.2.2; fa-ir; SM-T311 Build/JDQ39) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Safari/534.30",
    "Android Browser",
    "4",
    "Android",
    "tablet",
  ],
  [
    "Dalvik/1.6.0 (Linux; U; Android 4.1.2; GT-S5282 Build/JZO54K)",
    "Other",
    "",
    "Android",
    "mobile",
  ],
  [
    "Mozilla/5.0 (Linux; U; Android 4.3; en-gb; GT-I9300 Build/JSS15J) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30 GSA/3.2.17.1009776.arm",
    "Google App",
    "3",
    "Android",
    "mobile",
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 7_0_4 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) GSA/3.2.1.25875 Mobile/11B554a Safari/8536.25",
    "Google App",
    "3",
    "iOS",
    "tablet",
  ],
  [
    "Mozilla/5.0 (Linux; U; Android 4.0.4; en-US; MT25i Build/4.1.B.0.631) AppleWebKit/528.5+ (KHTML, like Gecko) Version/3.1.2 Mobile Safari/525.20.1 UCBrowser/8.6.0.318 Mobile",
    "UC Browser",
    "8",
    "Android",
    "mobile",
  ],
  // Kindle Fire: Silk only says "Linux".
  [
    "Mozilla/5.0 (Linux; U; en-us; KFAPWI Build/JDQ39) AppleWebKit/535.19 (KHTML, like Gecko) Silk/3.13 Safari/535.19 Silk-Accelerated=true",
    "Amazon Silk",
    "3",
    "Android",
    "tablet",
  ],
  // Opera 15+ is Chromium with "OPR/"; Opera 12 says "Opera/9.80" and hides its version in "Version/".
  [
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36 OPR/19.0.1326.63",
    "Opera",
    "19",
    "Windows",
    "desktop",
  ],
  [
    "Opera/9.80 (X11; Linux x86_64) Presto/2.12.388 Version/12.16",
    "Opera",
    "12",
    "Linux",
    "desktop",
  ],
  ["Opera/9.64(Windows NT 5.1; U; en) Presto/2.1.1", "Opera", "9", "Windows", "desktop"],
  // Opera 8 pretending to be MSIE 6.
  [
    "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; en) Opera 8.50",
    "Opera",
    "8",
    "Windows",
    "desktop",
  ],
  [
    "Opera/9.80 (iPhone; Opera Mini/7.0.3/34.1244; U; de) Presto/2.8.119 Version/11.10",
    "Opera Mini",
    "7",
    "iOS",
    "mobile",
  ],
  [
    "Opera/9.80 (J2ME/MIDP; Opera Mini/7.1.32052/34.1244; U; en) Presto/2.8.119 Version/11.10",
    "Opera Mini",
    "7",
    "Java ME",
    "mobile",
  ],
  [
    "Opera/9.80 (MTK; Opera Mini/2.1199/34.1244; U; id) Presto/2.8.119 Version/11.10",
    "Opera Mini",
    "2",
    "Other",
    "mobile",
  ],
  [
    "Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Dragon/36.1.1.21 Chrome/36.0.1985.97 Safari/537.36",
    "Comodo Dragon",
    "36",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/27.0.1453.110 Safari/537.36 CoolNovo/2.0.9.20",
    "CoolNovo",
    "2",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US) AppleWebKit/533.4 (KHTML, like Gecko) Iron/5.0.381.0 Chrome/5.0.381 Safari/533.4",
    "SRWare Iron",
    "5",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/28.0.1500.95 Safari/537.36 SE 2.X MetaSr 1.0",
    "Sogou Explorer",
    "",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)",
    "Internet Explorer",
    "9",
    "Windows",
    "desktop",
  ],
  // With the Chrome Frame plug-in, which isbot takes for a robot (NOT_ROBOTS). In this log it
  // comes from addresses that fetch /robots.txt: behaviour, not the agent, makes those robots.
  [
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0; chromeframe/19.0.1084.52)",
    "Internet Explorer",
    "9",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)",
    "Internet Explorer",
    "6",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/4.0 (compatible; MSIE 5.5; AOL 4.0; Windows 95)",
    "Internet Explorer",
    "5",
    "Windows",
    "desktop",
  ],
  // IE 11 no longer says "MSIE".
  [
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Internet Explorer",
    "11",
    "Windows",
    "desktop",
  ],
  // Windows RT on a Surface; "Tablet PC 2.0" below is only a desktop add-on.
  [
    "Mozilla/5.0 (Windows NT 6.3; ARM; Trident/7.0; Touch; rv:11.0) like Gecko",
    "Internet Explorer",
    "11",
    "Windows",
    "tablet",
  ],
  [
    "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0; Tablet PC 2.0)",
    "Internet Explorer",
    "8",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; ARM; Touch; NOKIA; Lumia 920)",
    "Internet Explorer",
    "10",
    "Windows Phone",
    "mobile",
  ],
  ["ELinks (0.4.3; NetBSD 3.0.2_PATCH sparc64; 141x19)", "ELinks", "0", "BSD", "desktop"],
  [
    "Links (2.7; CYGWIN_NT-5.1 1.7.15(0.260/5/3) i686; GNU C 4.5.3; text)",
    "Links",
    "2",
    "Windows",
    "desktop",
  ],
  ["Lynx/2.8.7rel.2 libwww-FM/2.14 SSL-MM/1.4.1 OpenSSL/1.0.1f", "Lynx", "2", "Other", "other"],
  [
    "SAMSUNG-GT-E2232/1.0 Openwave/6.2.3 Profile/MIDP-2.0 Configuration/CLDC-1.1 UP.Browser/6.2.3.3.c.1.101 (GUI) MMP/2.0",
    "Openwave",
    "6",
    "Java ME",
    "mobile",
  ],
  [
    "Micromax X351/R2AE SEMC-Browser/4.0.3 Profile/MIDP-2.0 Configuration/CLDC-1.1",
    "SEMC Browser",
    "4",
    "Java ME",
    "mobile",
  ],
  ["QS304 Profile/MIDP-2.0 Configuration/CLDC-1.1", "Other", "", "Java ME", "mobile"],
  // isbot calls these MediaTek feature phones robots ("HTTPS", a bare product name); they browse
  // pages and images from Indian mobile networks like people do. NOT_ROBOTS overrides isbot.
  [
    "LAVA.KKT35+.FARSIGHTED60D_CN_11B_HW (MAUI/KKT35_S116_20130820;BDATE/2013/08/20 14:41;LCD/240320;CHIP/MT6260;KEY/Normal;TOUCH/0;CAMERA/1;SENSOR/0;DEV/FARSIGHTED60D_CN_11B_HW;WAP Browser/MAUI (HTTPS)) LAVA_KKT35_S116_20130820 Release/2013.08.20 WAP Browser/MAUI (HTTPS) Profile/  Q03C1-2.40 en-US",
    "MAUI Browser",
    "",
    "Other",
    "mobile",
  ],
  ["Maui Browser", "MAUI Browser", "", "Other", "mobile"],
  // From basjes: spam bots that never say "bot" (behaviour, not the agent, gives them away).
  [
    "Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 OPR/26.0.1656.60",
    "Opera",
    "26",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 (KHTML, like Gecko) Version/8.0.2 Safari/600.2.5",
    "Safari",
    "8",
    "macOS",
    "desktop",
  ],
];

// Agents the 2015 fixtures predate, as their vendors publish them (browser vendor documentation,
// crawler help pages, the readers' own source code).
const PUBLISHED_BROWSER_CASES: HumanCase[] = [
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.246",
    "Edge",
    "12",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
    "Edge",
    "120",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36",
    "Yandex Browser",
    "24",
    "Windows",
    "desktop",
  ],
  [
    "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "Samsung Internet",
    "23",
    "Android",
    "mobile",
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/120.0 Mobile/15E148 Safari/605.1.15",
    "Firefox",
    "120",
    "iOS",
    "mobile",
  ],
];

describe("classifyAgent: browsers, operating systems and devices", () => {
  it.each(BROWSER_CASES)("%s", (...row) => {
    expect(classifyAgent(row[0])).toEqual(human(row));
  });

  it.each(PUBLISHED_BROWSER_CASES)("%s", (...row) => {
    expect(classifyAgent(row[0])).toEqual(human(row));
  });

  it.each(["-", "", "   "])("%j is Unknown, and not a robot by its agent alone", (ua) => {
    expect(classifyAgent(ua)).toEqual({
      browser: "Unknown",
      browserVersion: "",
      os: "Unknown",
      device: "other",
      robot: null,
      feedReader: null,
      notFeedReader: false,
      subscribers: 0,
    });
  });
});

// Crawlers of the fixture logs, with the name the robots panel shows.
const ROBOT_CASES: [ua: string, robot: string][] = [
  ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot"],
  // Line 8899: the log line lost its closing quote.
  ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html", "Googlebot"],
  // Googlebot's smartphone crawler: an iPhone Safari agent with Googlebot appended.
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 6_0 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A5376e Safari/8536.25 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Googlebot",
  ],
  ["Googlebot-Image/1.0", "Googlebot-Image"],
  [
    "SAMSUNG-SGH-E250/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1 UP.Browser/6.2.3.3.c.1.101 (GUI) MMP/2.0 (compatible; Googlebot-Mobile/2.1; +http://www.google.com/bot.html)",
    "Googlebot-Mobile",
  ],
  [
    "Mozilla/5.0 (Windows NT 6.2; WOW64; rv:30.0) Gecko/20100101 Firefox/30.0 AppEngine-Google; (+http://code.google.com/appengine; appid: s~copyliugoa)",
    "Google App Engine",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; Google Web Preview) Chrome/27.0.1453 Safari/537.36",
    "Google Web Preview",
  ],
  [
    "Mozilla/5.0 (Windows NT 6.1; rv:6.0) Gecko/20110814 Firefox/6.0 Google favicon",
    "Google Favicon",
  ],
  [
    "Mozilla/5.0 (Windows; U; Windows NT 5.1; de; rv:1.9.0.7) Gecko/2009021910 Firefox/3.0.7 (via ggpht.com GoogleImageProxy)",
    "Google Image Proxy",
  ],
  [
    "Mozilla/5.0 (compatible; Google Desktop/5.9.1005.12335; http://desktop.google.com/)",
    "Google Desktop",
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36,gzip(gfe) (via docs.google.com/viewer)",
    "Google Docs Viewer",
  ],
  ["Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "Bingbot"],
  [
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b",
    "BingPreview",
  ],
  ["msnbot-media/1.1 (+http://search.msn.com/msnbot.htm)", "msnbot-media"],
  ["msnbot/2.0b (+http://search.msn.com/msnbot.htm)", "msnbot"],
  [
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Yahoo! Slurp",
  ],
  [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Baiduspider",
  ],
  ["Baiduspider-image+(+http://www.baidu.com/search/spider.htm)", "Baiduspider"],
  ["Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "YandexBot"],
  ["Mozilla/5.0 (compatible; YandexImages/3.0; +http://yandex.com/bots)", "YandexImages"],
  ["Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)", "Sogou spider"],
  ["Mozilla/5.0 (Windows; U; Windows NT 5.1; zh-CN; )  Firefox/1.5.0.11; 360Spider", "360Spider"],
  ["Mozilla/5.0 (compatible; Exabot/3.0; +http://www.exabot.com/go/robot)", "Exabot"],
  [
    "Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +http://go.mail.ru/help/robots)",
    "Mail.RU_Bot",
  ],
  [
    "Mozilla/5.0 (compatible; archive.org_bot +http://www.archive.org/details/archive.org_bot)",
    "archive.org_bot",
  ],
  [
    "ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)",
    "Alexa (ia_archiver)",
  ],
  ["Mozilla/5.0 (compatible; AhrefsBot/5.0; +http://ahrefs.com/robot/)", "AhrefsBot"],
  ["Mozilla/5.0 (compatible; MJ12bot/v1.4.4; http://www.majestic12.co.uk/bot.php?+)", "MJ12bot"],
  ["Mozilla/5.0 (compatible; Ezooms/1.0; help@moz.com)", "Ezooms"],
  [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "facebookexternalhit",
  ],
  ["Twitterbot/1.0", "Twitterbot"],
  [
    "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; en-US; rv:1.9.2) Gecko/20100115 Firefox/3.6 (FlipboardProxy/1.1; +http://flipboard.com/browserproxy)",
    "FlipboardProxy",
  ],
  ["Embedly +support@embed.ly", "Embedly"],
  [
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/534.34 (KHTML, like Gecko) PhantomJS/1.9.2 Safari/534.34",
    "PhantomJS",
  ],
  [
    "curl/7.22.0 (i686-pc-linux-gnu) libcurl/7.22.0 OpenSSL/1.0.1 zlib/1.2.3.4 libidn/1.23 librtmp/2.3",
    "curl",
  ],
  ["Wget/1.14 (linux-gnu)", "Wget"],
  ["fetch libfetch/2.0", "libfetch"],
  ["python-requests/1.2.0 CPython/2.7.4 Linux/3.8.0-33-generic", "python-requests"],
  ["Python-urllib/2.7", "Python-urllib"],
  ["LWP::Simple/5.827 libwww-perl/5.833", "libwww-perl"],
  // Only isbot knows these: the name comes from the word around isbot's match…
  ["Mozilla/5.0 (compatible; MojeekBot/0.6; http://www.mojeek.com/bot.html)", "MojeekBot"],
  [
    "Mozilla/5.0 (compatible; EasouSpider; +http://www.easou.com/search/spider.html)",
    "EasouSpider",
  ],
  [
    "HTTP_Request2/2.1.1 (http://pear.php.net/package/http_request2) PHP/5.3.2-1ubuntu4.19",
    "HTTP_Request2",
  ],
  ["magpie-crawler/1.1 (U; Linux amd64; en-GB; +http://www.brandwatch.net)", "magpie-crawler"],
  ["LumiBot 2.0", "LumiBot"],
  ["Xenu Link Sleuth/1.3.8", "Xenu Link Sleuth"],
  ["nutch-1.4/Nutch-1.4", "nutch"],
  ["ZDM/4.0; Windows Mobile 8.0", "ZDM"],
  // …or the agent's own product when isbot matched a URL…
  [
    "Chef Client/10.18.2 (ruby-1.9.3-p327; ohai-6.16.0; x86_64-linux; +http://opscode.com)",
    "Chef Client",
  ],
  ["distilator/0.1 (http://people.freebsd.org/~ehaupt/distilator/)", "distilator"],
  ["Mozilla/5.0 (compatible; SiteExplorer/1.0b; +http://siteexplorer.info/)", "SiteExplorer"],
  [
    "Mozilla/5.0 (compatible; MSIE or Firefox mutant; not on Windows server; + http://tab.search.daum.net/aboutWebSearch.html) Daumoa/3.0",
    "Daumoa",
  ],
  ["binlar_2.6.3 (test@mgmt.mic)", "binlar"],
  // …or the site it points to…
  [
    "Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.0.19; aggregator:Spinn3r (Spinn3r 3.1); http://spinn3r.com/robot) Gecko/2010040121 Firefox/3.0.19",
    "spinn3r.com",
  ],
  [
    "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1;  http://www.changedetection.com/bot.html )",
    "changedetection.com",
  ],
  // …or nothing at all.
  ["Mozilla/4.0 (compatible;)", "Other robot"],
  ["Mozilla/5.0", "Other robot"],
  ["Mozilla/3.0 (compatible; Indy Library)", "Other robot"],
];

// Crawlers the 2015 fixtures predate, as their operators document them.
const PUBLISHED_ROBOT_CASES: [ua: string, robot: string][] = [
  ["DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", "DuckDuckBot"],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Applebot",
  ],
  [
    "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
    "PetalBot",
  ],
  ["Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", "SemrushBot"],
  [
    "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)",
    "DotBot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)",
    "GPTBot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot",
    "OAI-SearchBot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot",
    "ChatGPT-User",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
    "ClaudeBot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
    "PerplexityBot",
  ],
  ["CCBot/2.0 (https://commoncrawl.org/faq/)", "CCBot"],
  [
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
    "Bytespider",
  ],
  [
    "Mozilla/5.0 (compatible; Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)",
    "Amazonbot",
  ],
  [
    "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "meta-externalagent",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
    "Headless Chrome",
  ],
  ["Go-http-client/1.1", "Go-http-client"],
  ["okhttp/4.12.0", "okhttp"],
  ["Java/1.8.0_151", "Java"],
];

describe("classifyAgent: robots", () => {
  it.each([...ROBOT_CASES, ...PUBLISHED_ROBOT_CASES])("%s is %s", (ua, robot) => {
    expect(classifyAgent(ua)).toMatchObject({ robot, device: "robot" });
  });

  it("still reads the browser and OS a crawler claims", () => {
    expect(
      classifyAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 6_0 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A5376e Safari/8536.25 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      ),
    ).toEqual({
      browser: "Safari",
      browserVersion: "6",
      os: "iOS",
      device: "robot",
      robot: "Googlebot",
      feedReader: null,
      notFeedReader: true,
      subscribers: 0,
    });
    expect(classifyAgent("ZDM/4.0; Windows Mobile 8.0")).toMatchObject({
      os: "Windows Mobile",
      robot: "ZDM",
    });
  });

  it("caps the name derived from a garbage agent", () => {
    const info = classifyAgent(`${"x".repeat(500)}/1.0`);
    expect(info.robot).toBe("x".repeat(64));
  });
});

// Feed readers: most are robots too (isbot says so), and several state their subscriber count.
const FEED_CASES: [ua: string, feedReader: string, subscribers: number, robot: string][] = [
  [
    "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 22 subscribers; feed-id=8321906634162087507)",
    "Feedfetcher-Google",
    22,
    "Feedfetcher-Google",
  ],
  [
    "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 1 subscribers; feed-id=11390274670024826467)",
    "Feedfetcher-Google",
    1,
    "Feedfetcher-Google",
  ],
  // Feedly says "like FeedFetcher-Google".
  [
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)",
    "Feedly",
    0,
    "Feedly",
  ],
  ["Tiny Tiny RSS/1.11 (http://tt-rss.org/)", "Tiny Tiny RSS", 0, "Tiny Tiny RSS"],
  [
    "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/",
    "Universal Feed Parser",
    0,
    "Universal Feed Parser",
  ],
  ["FeedBurner/1.0 (http://www.FeedBurner.com)", "FeedBurner", 0, "FeedBurner"],
  ["Feedbin - 1 subscribers", "Feedbin", 1, "Feedbin"],
  [
    "Mozilla/5.0 (compatible; theoldreader.com; 2 subscribers; feed-id=2e78188bde2b643b822a26d6)",
    "The Old Reader",
    2,
    "The Old Reader",
  ],
  [
    "Digg Feed Fetcher 1.0 (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_1) AppleWebKit/534.48.3 (KHTML, like Gecko) Version/5.1 Safari/534.48.3)",
    "Digg Reader",
    0,
    "Digg Reader",
  ],
  // LiveJournal counts "readers".
  [
    "LiveJournal.com (webmaster@livejournal.com; for http://www.livejournal.com/users/cshpsionic/; 8 readers)",
    "LiveJournal",
    8,
    "LiveJournal",
  ],
  [
    "Mozilla/5.0 (compatible; FlipboardRSS/1.1; +http://flipboard.com/browserproxy)",
    "Flipboard",
    0,
    "Flipboard",
  ],
  ["CommaFeed/1.0 (http://www.commafeed.com)", "CommaFeed", 0, "CommaFeed"],
  [
    "SimplePie/1.3.1 (Feed Parser; http://simplepie.org; Allow like Gecko) Build/20140115031959",
    "SimplePie",
    0,
    "SimplePie",
  ],
  ["Liferea/1.8.3 (Linux; en_GB.UTF-8; http://liferea.sf.net/)", "Liferea", 0, "Liferea"],
  ["Reeder/2.1.1 CFNetwork/672.0.8 Darwin/14.0.0", "Reeder", 0, "Reeder"],
  ["Newsify/120 CFNetwork/672.0.8 Darwin/14.0.0", "Newsify", 0, "Newsify"],
];

// Readers the 2015 fixtures predate: Inoreader as seen in public logs, the others as their
// source code builds the agent.
const PUBLISHED_FEED_CASES: [ua: string, feedReader: string, subscribers: number, robot: string][] =
  [
    ["Mozilla/5.0 (compatible; inoreader.com; 1 subscribers)", "Inoreader", 1, "Inoreader"],
    [
      "NewsBlur Feed Fetcher - 12 subscribers - http://www.newsblur.com/site/1234/example (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_1) AppleWebKit/534.48.3 (KHTML, like Gecko) Version/5.1 Safari/534.48.3)",
      "NewsBlur",
      12,
      "NewsBlur",
    ],
    ["FreshRSS/1.20.0 (Linux; https://freshrss.org)", "FreshRSS", 0, "FreshRSS"],
    ["Mozilla/5.0 (compatible; Miniflux/2.0.43; +https://miniflux.app)", "Miniflux", 0, "Miniflux"],
  ];

describe("classifyAgent: feed readers", () => {
  it.each([...FEED_CASES, ...PUBLISHED_FEED_CASES])(
    "%s is %s",
    (ua, feedReader, subscribers, robot) => {
      expect(classifyAgent(ua)).toMatchObject({ feedReader, subscribers, robot, device: "robot" });
    },
  );
});

// Names corrected (issue 19): what the robots and feed readers panels showed, and what they show.
// Agents from the fixture logs where they have them, else as the software sends them.
const NAME_CASES: [ua: string, expected: Partial<AgentInfo>][] = [
  // Was "Monitor", the word isbot matched.
  [
    "Mozilla/5.0 (compatible; PRTG Network Monitor (www.paessler.com); Windows)",
    { robot: "PRTG Network Monitor", notFeedReader: true },
  ],
  // Was "Apache": the server's parent process waking its children over ::1.
  [
    "Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f (internal dummy connection)",
    { robot: "Apache internal dummy connection", device: "robot" },
  ],
  [
    "Apache/2.2.22 (Debian) (internal dummy connection)",
    { robot: "Apache internal dummy connection", device: "robot" },
  ],
  // Was listed as a feed reader, under its agent string, when it fetched a feed (semicomplete:
  // 92 hits): it indexes feeds, it reads none for anyone.
  [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    { robot: "Googlebot", feedReader: null, notFeedReader: true },
  ],
  // The same for Yahoo's crawler (one feed hit in semicomplete).
  [
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    { robot: "Yahoo! Slurp", notFeedReader: true },
  ],
  // Google's feed fetcher is a reader: it fetches for its subscribers.
  [
    "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 22 subscribers; feed-id=8321906634162087507)",
    { robot: "Feedfetcher-Google", feedReader: "Feedfetcher-Google", notFeedReader: false },
  ],
  // A reader no table names stays one when it fetches a feed.
  [
    "rss2email/3.9 (https://github.com/rss2email/rss2email)",
    { robot: "rss2email", feedReader: null, notFeedReader: false },
  ],
  // Was the robot "chromeframe": Internet Explorer 9 with the Chrome Frame plug-in.
  [
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0; chromeframe/19.0.1084.52)",
    { robot: null, browser: "Internet Explorer", browserVersion: "9", device: "desktop" },
  ],
  [
    "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; chromeframe/11.0.696.57)",
    { robot: null, browser: "Internet Explorer", browserVersion: "8" },
  ],
  // Was "Twitterbot": Telegram's link preview says "like TwitterBot".
  ["TelegramBot (like TwitterBot)", { robot: "TelegramBot" }],
  // LinkedIn's link preview carries "Apache-HttpClient" (the row below it must not win).
  [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    { robot: "LinkedInBot" },
  ],
  // Was "Java", from the Java version it states.
  ["Apache-HttpClient/4.5.2 (Java/1.8.0_112)", { robot: "Apache-HttpClient" }],
  // Was "Pingdom.com_bot_version".
  ["Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", { robot: "Pingdom" }],
  // Was "Other robot" (semicomplete), while the same robot with its address in parentheses was "binlar".
  ["binlar_2.6.3 test@mgmt.mic", { robot: "binlar" }],
];

describe("classifyAgent: names corrected", () => {
  it.each(NAME_CASES)("%s", (ua, expected) => {
    expect(classifyAgent(ua)).toMatchObject(expected);
  });
});

describe("classifyAgent: the cases are real and cover every table row", () => {
  const humans = [...BROWSER_CASES, ...PUBLISHED_BROWSER_CASES].map(([ua]) => ua);
  const all = [
    ...humans,
    ...[...ROBOT_CASES, ...PUBLISHED_ROBOT_CASES].map(([ua]) => ua),
    ...[...FEED_CASES, ...PUBLISHED_FEED_CASES].map(([ua]) => ua),
    ...NAME_CASES.map(([ua]) => ua),
  ];

  it("takes every fixture case from the fixture logs", () => {
    const fixtureCases = [...BROWSER_CASES, ...ROBOT_CASES, ...FEED_CASES].map(([ua]) => ua);
    const missing = fixtureCases.filter((ua) => !SEMICOMPLETE.has(ua) && !BASJES.has(ua));
    expect(missing).toEqual([]);
  });

  // A row no case makes win is untested, or shadowed by a row above it.
  const winners = <Row>(
    rows: readonly Row[],
    uas: string[],
    hit: (row: Row, ua: string) => boolean,
  ) => new Set(uas.map((ua) => rows.findIndex((row) => hit(row, ua))));
  const unmatched = (rows: readonly unknown[], won: Set<number>) =>
    rows.filter((_, i) => !won.has(i));
  const needle = ([n]: readonly [string, ...unknown[]], ua: string) => ua.toLowerCase().includes(n);
  const pattern = ([p]: readonly [RegExp, ...unknown[]], ua: string) => p.test(ua);

  it.each([
    ["ROBOTS", () => unmatched(ROBOTS, winners(ROBOTS, all, needle))],
    ["CLIENT_ROBOTS", () => unmatched(CLIENT_ROBOTS, winners(CLIENT_ROBOTS, all, needle))],
    ["FEED_READERS", () => unmatched(FEED_READERS, winners(FEED_READERS, all, needle))],
    [
      "NOT_ROBOTS",
      () => NOT_ROBOTS.filter((n) => !humans.some((ua) => ua.toLowerCase().includes(n))),
    ],
    ["BROWSERS", () => unmatched(BROWSERS, winners(BROWSERS, all, pattern))],
    [
      "OPERATING_SYSTEMS",
      () => unmatched(OPERATING_SYSTEMS, winners(OPERATING_SYSTEMS, all, pattern)),
    ],
    ["DEVICES", () => unmatched(DEVICES, winners(DEVICES, humans, pattern))],
  ] as const)("every row of %s wins for some case", (_, rowsWithoutCase) => {
    expect(rowsWithoutCase()).toEqual([]);
  });
});

describe("classifyAgent over the semicomplete log", () => {
  const infos = [...SEMICOMPLETE.keys()].map((ua) => ({ ua, info: classifyAgent(ua) }));
  const robots = infos.filter(({ info }) => info.robot !== null);

  it("finds the log's robots among its distinct agents", () => {
    expect(SEMICOMPLETE.size).toBe(559);
    // 113 distinct agents, 2,710 of the 10,000 hits. A change here needs a look at the data: the
    // last was IE 9 with Chrome Frame (91 hits) leaving the robots.
    expect(robots.length).toBe(113);
    expect(robots.reduce((sum, { ua }) => sum + SEMICOMPLETE.get(ua)!, 0)).toBe(2710);
  });

  it.each([
    "Googlebot",
    "Baiduspider",
    "archive.org_bot",
    "Bingbot",
    "YandexBot",
    "Feedfetcher-Google",
    "Tiny Tiny RSS",
  ])("names %s", (name) => {
    expect(robots.some(({ info }) => info.robot === name)).toBe(true);
  });

  it("keeps robot and device in step", () => {
    for (const { info } of infos) expect(info.device === "robot").toBe(info.robot !== null);
  });

  it("finds no robot by agent in the basjes log: its spam bots pose as browsers", () => {
    expect([...BASJES.keys()].filter((ua) => classifyAgent(ua).robot !== null)).toEqual([]);
  });
});

describe("classifyAgent never throws", () => {
  const next = rng(2015); // seeded, so a failure reproduces
  const randomString = (length: number, maxCode: number) =>
    Array.from({ length }, () => String.fromCharCode(Math.floor(next() * maxCode))).join("");
  // Pieces of real agents, glued at random: they reach deeper into the tables than noise does.
  const pieces = [
    "Mozilla/5.0 (",
    "compatible; ",
    "Opera ",
    "Version/",
    "Android ",
    "Mobile",
    "Trident/7.0; rv:",
    "bot",
    "http://",
    "@",
    " subscribers",
    "999999999999",
    ";",
    ")",
    "/",
    "-",
    "MSIE ",
    "CFNetwork/",
    "iPad",
  ];
  const gluedString = (count: number) =>
    Array.from({ length: count }, () => pieces[Math.floor(next() * pieces.length)]).join("");

  const inputs: string[] = [
    ...Array.from({ length: 300 }, (_, i) => randomString(i, 0x10000)),
    ...Array.from({ length: 300 }, (_, i) => randomString(i, 0x80)),
    ...Array.from({ length: 300 }, (_, i) => gluedString(i)),
    randomString(10_000, 0x10000),
    gluedString(2_000),
    "Opera Version/".repeat(800),
    "Mozilla/5.0 (".repeat(800),
    "\0\ud800\udfff\uffff",
  ];
  const DEVICE_CLASSES = new Set(["desktop", "mobile", "tablet", "robot", "other"]);

  it(`on ${inputs.length} random and hostile strings, and answers in shape`, () => {
    for (const ua of inputs) {
      const info = classifyAgent(ua);
      expect(DEVICE_CLASSES.has(info.device)).toBe(true);
      expect(info.device === "robot").toBe(info.robot !== null);
      expect(Number.isSafeInteger(info.subscribers) && info.subscribers >= 0).toBe(true);
      expect(info.browserVersion).toMatch(/^\d*$/);
      expect((info.robot ?? "").length).toBeLessThanOrEqual(64);
    }
  });

  it.each([null, undefined, 42, {}])("on a non-string (%j) from an untyped caller", (value) => {
    expect(classifyAgent(value as unknown as string).browser).toBe("Unknown");
  });
});

describe("classified agents are remembered across analyses", () => {
  const chrome =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

  it("the same agent gives the same frozen answer, which a caller cannot change", () => {
    const a = classifyAgent(chrome);
    expect(classifyAgent(chrome)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as AgentInfo).browser = "x";
    }).toThrow();
  });

  it("an agent over 512 characters is classified each time, not kept", () => {
    const long = `${chrome} ${"x".repeat(600)}`;
    const a = classifyAgent(long);
    expect(classifyAgent(long)).not.toBe(a);
    expect(classifyAgent(long)).toEqual(a);
  });

  it("past 500,000 characters of agents kept the memory is emptied, and answers stay right", () => {
    const first = classifyAgent(chrome);
    for (let i = 0; i < 1_001; i++) classifyAgent(`Bot${i}/1.0 ${"x".repeat(500)}`);
    const again = classifyAgent(chrome);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(classifyAgent(`Bot7/1.0 ${"x".repeat(500)}`).robot).toBe("Bot7");
  });
});
