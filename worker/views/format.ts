/** Human-readable figures for the report pages. Pure functions; the JSON keeps the raw numbers. */

/** 1234567 → "1,234,567". */
export function fmtInt(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return n < 0 ? `-${out}` : out;
}

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** Bytes in binary multiples, as AWStats and IWLA show them: 1536 → "1.5 KB". */
export function fmtBytes(n: number): string {
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${fmtInt(v)} B`;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

/** A share: "12.3%", "<0.1%", "–" when the whole is zero. */
export function fmtPct(part: number, whole: number): string {
  if (whole <= 0) return "–";
  const p = (100 * part) / whole;
  if (p > 0 && p < 0.1) return "<0.1%";
  return `${p.toFixed(1)}%`;
}

/** A relative change: "+12%", "−3%", "new" when there was nothing before. */
export function fmtChange(now: number, before: number): string {
  if (before <= 0) return now > 0 ? "new" : "–";
  const p = (100 * (now - before)) / before;
  const r = Math.abs(p) < 10 ? p.toFixed(1) : p.toFixed(0);
  return p > 0 ? `+${r}%` : p < 0 ? `−${r.slice(1)}%` : "0%";
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/** A unix time (seconds) in UTC: "2015-05-20 21:05 UTC". */
export function fmtTime(unix: number | null): string {
  if (unix === null) return "never";
  return `${new Date(unix * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "2015-05" → "May 2015". */
export const monthTitle = (month: string) =>
  `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
export const monthShort = (month: string) => MONTHS[Number(month.slice(5, 7)) - 1].slice(0, 3);

export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
export const weekdayName = (date: string) => WEEKDAYS[weekday(date)];
export const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;

/** Days in a month "YYYY-MM". */
export function daysInMonth(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
}

/** Every date "YYYY-MM-DD" of a month. */
export function datesOf(month: string): string[] {
  const n = daysInMonth(month);
  const out: string[] = [];
  for (let d = 1; d <= n; d++) out.push(`${month}-${String(d).padStart(2, "0")}`);
  return out;
}

/** The month before or after "YYYY-MM". */
export function addMonths(month: string, delta: number): string {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${String(Math.floor(i / 12)).padStart(4, "0")}-${String((i % 12) + 1).padStart(2, "0")}`;
}

let regionNames: Intl.DisplayNames | null | undefined;

/** "FR" → "France"; the code itself when the runtime has no name for it. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return "Unknown";
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(["en"], { type: "region" });
    } catch {
      regionNames = null;
    }
  }
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  410: "Gone",
  413: "Content Too Large",
  414: "URI Too Long",
  416: "Range Not Satisfiable",
  429: "Too Many Requests",
  444: "No Response (nginx)",
  499: "Client Closed Request (nginx)",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export const statusReason = (code: string) => REASONS[Number(code)] ?? "";

/** The href for a referer, only when it is an absolute http(s) URL: never `javascript:` or anything else. */
export function safeHref(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}
