const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = 86_400;

/**
 * Reads `%t` timestamps (`[17/May/2015:10:05:03 +0000]`, brackets optional) without building strings.
 * Logs come in time order, so the date and offset of the previous line are remembered and
 * compared in place; only a new date is parsed in full. After `read()` returns true, `day`
 * (days since 1970-01-01 of the bucket's date), `second` (of that day) and `epoch` (UTC seconds)
 * describe the line. Buckets use the log's own offset unless `fixedOffsetMinutes` is given.
 */
export class LogClock {
  day = 0;
  second = 0;
  epoch = 0;
  private dateText = "";
  private dateDay = 0;
  private offsetText = "";
  private offsetSeconds = 0;

  constructor(private readonly fixedOffsetMinutes: number | null = null) {}

  read(text: string, s: number, e: number): boolean {
    // Apache's %t includes its brackets; nginx's $time_local does not.
    if (text.charCodeAt(s) === 91 && text.charCodeAt(e - 1) === 93) { s++; e--; }
    if (e - s !== 26) return false;
    // slice + === measured 4× faster than startsWith for these short fields on V8.
    if (text.slice(s, s + 11) !== this.dateText) {
      const day = parseDate(text, s);
      if (day === null) return false;
      this.dateText = text.slice(s, s + 11);
      this.dateDay = day;
    }
    if (text.charCodeAt(s + 11) !== 58 || text.charCodeAt(s + 14) !== 58 || text.charCodeAt(s + 17) !== 58 || text.charCodeAt(s + 20) !== 32) return false;
    const h = two(text, s + 12);
    const m = two(text, s + 15);
    const sec = two(text, s + 18);
    if (h > 23 || m > 59 || sec > 60) return false;
    if (text.slice(s + 21, s + 26) !== this.offsetText) {
      const off = parseOffset(text, s + 21);
      if (off === null) return false;
      this.offsetText = text.slice(s + 21, s + 26);
      this.offsetSeconds = off;
    }
    const local = this.dateDay * DAY + h * 3600 + m * 60 + sec;
    this.epoch = local - this.offsetSeconds;
    if (this.fixedOffsetMinutes === null) {
      this.day = this.dateDay;
      this.second = local - this.dateDay * DAY;
    } else {
      const shifted = this.epoch + this.fixedOffsetMinutes * 60;
      this.day = Math.floor(shifted / DAY);
      this.second = shifted - this.day * DAY;
    }
    return true;
  }
}

/** Two ASCII digits as a number, or 99 when they are not digits (callers range-check). */
function two(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 99;
}

function parseDate(text: string, s: number): number | null {
  if (text.charCodeAt(s + 2) !== 47 || text.charCodeAt(s + 6) !== 47) return null;
  const d = two(text, s);
  const month = MONTHS.indexOf(text.slice(s + 3, s + 6));
  const y = two(text, s + 7) * 100 + two(text, s + 9);
  if (month < 0 || d < 1 || d > 31 || y > 9999) return null;
  const ms = Date.UTC(y, month, d);
  // Date.UTC rolls 31/Feb over into March: refuse dates that do not exist.
  if (new Date(ms).getUTCDate() !== d) return null;
  return ms / 1000 / DAY;
}

function parseOffset(text: string, s: number): number | null {
  const sign = text.charCodeAt(s);
  const hh = two(text, s + 1);
  const mm = two(text, s + 3);
  if ((sign !== 43 && sign !== 45) || hh > 14 || mm > 59) return null;
  return (sign === 45 ? -1 : 1) * (hh * 3600 + mm * 60);
}

/** `YYYY-MM-DD` of a day number. */
export function dayToDate(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` date. */
export function dateToDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000 / DAY;
}

/** Parses a fixed offset such as `+0100`, `-05:30` or `Z` into minutes, or null. */
export function parseOffsetMinutes(tz: string): number | null {
  if (tz === "Z" || tz === "UTC") return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(tz);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return v > 14 * 60 ? null : m[1] === "-" ? -v : v;
}
