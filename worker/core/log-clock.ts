const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = 86_400;

/**
 * Reads `%t` timestamps (`[17/May/2015:10:05:03 +0000]`, brackets optional) from a line's bytes.
 * Logs come in time order, so the date and offset of the previous line are remembered and
 * compared in place; only a new date is parsed in full. After `read()` returns true, `day`
 * (days since 1970-01-01 of the bucket's date) and `second` (of that day) describe the line, as
 * small integers (the per-line loop stays in integer arithmetic). Buckets use the log's own
 * offset unless `fixedOffsetMinutes` is given.
 */
export class LogClock {
  day = 0;
  second = 0;
  /**
   * The last date's bytes (`17/May/2015:`, as three little-endian words) and the last offset's
   * (`+0000`, its sign and a word), compared four bytes at a time; none before the first.
   */
  private date0 = 0;
  private date1 = 0;
  private date2 = 0;
  private dateDay = 0;
  private hasDate = false;
  private offsetSign = 0;
  private offsetDigits = 0;
  private offsetSeconds = 0;
  private hasOffset = false;

  constructor(private readonly fixedOffsetMinutes: number | null = null) {}

  /** Reads b[s, e); `view` is a DataView of the same bytes. */
  read(b: Uint8Array, view: DataView, s: number, e: number): boolean {
    // Apache's %t includes its brackets; nginx's $time_local does not.
    if (b[s] === 91 && b[e - 1] === 93) {
      s++;
      e--;
    }
    if (e - s !== 26) return false;
    const d0 = view.getInt32(s, true),
      d1 = view.getInt32(s + 4, true),
      d2 = view.getInt32(s + 8, true);
    if (d0 !== this.date0 || d1 !== this.date1 || d2 !== this.date2 || !this.hasDate) {
      const day = parseDate(b, s);
      if (day === null) return false;
      this.date0 = d0;
      this.date1 = d1;
      this.date2 = d2;
      this.dateDay = day;
      this.hasDate = true;
    }
    if (b[s + 11] !== 58 || b[s + 14] !== 58 || b[s + 17] !== 58 || b[s + 20] !== 32) return false;
    const h = two(b, s + 12);
    const m = two(b, s + 15);
    const sec = two(b, s + 18);
    if (h > 23 || m > 59 || sec > 60) return false;
    const sign = b[s + 21],
      digits = view.getInt32(s + 22, true);
    if (sign !== this.offsetSign || digits !== this.offsetDigits || !this.hasOffset) {
      const off = parseOffset(b, s + 21);
      if (off === null) return false;
      this.offsetSign = sign;
      this.offsetDigits = digits;
      this.offsetSeconds = off;
      this.hasOffset = true;
    }
    const second = h * 3600 + m * 60 + sec;
    if (this.fixedOffsetMinutes === null) {
      this.day = this.dateDay;
      this.second = second;
    } else {
      // Seconds since 1970 in the fixed offset, then its day and second.
      const shifted =
        this.dateDay * DAY + second - this.offsetSeconds + this.fixedOffsetMinutes * 60;
      this.day = Math.floor(shifted / DAY);
      this.second = shifted - this.day * DAY;
    }
    return true;
  }
}

/** Two ASCII digits as a number, or 99 when they are not digits (callers range-check). */
function two(b: Uint8Array, at: number): number {
  const x = b[at] - 48;
  const y = b[at + 1] - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : 99;
}

function parseDate(b: Uint8Array, s: number): number | null {
  if (b[s + 2] !== 47 || b[s + 6] !== 47) return null;
  const d = two(b, s);
  const month = MONTHS.indexOf(String.fromCharCode(b[s + 3], b[s + 4], b[s + 5]));
  // two() says 99 for non-digits, which is also a valid half of a year: check the year's bytes.
  for (let i = s + 7; i < s + 11; i++) if (b[i] < 48 || b[i] > 57) return null;
  const year = two(b, s + 7) * 100 + two(b, s + 9);
  if (month < 0 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(2000, month, d));
  // Date.UTC would read the years 0–99 as 1900–1999; setUTCFullYear takes them as written.
  date.setUTCFullYear(year, month, d);
  // A date that does not exist (31/Feb) rolls over into the next month: refuse it.
  if (date.getUTCDate() !== d) return null;
  return Math.round(date.getTime() / 1000 / DAY);
}

function parseOffset(b: Uint8Array, s: number): number | null {
  const sign = b[s];
  const hh = two(b, s + 1);
  const mm = two(b, s + 3);
  if ((sign !== 43 && sign !== 45) || hh > 14 || mm > 59) return null;
  return (sign === 45 ? -1 : 1) * (hh * 3600 + mm * 60);
}

/** `YYYY-MM-DD` of a day number. */
export function dayToDate(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` date. */
/** Parses a fixed offset such as `+0100`, `-05:30` or `Z` into minutes, or null. */
export function parseOffsetMinutes(tz: string): number | null {
  if (tz === "Z" || tz === "UTC") return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(tz);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return v > 14 * 60 ? null : m[1] === "-" ? -v : v;
}
