/**
 * A page's language: its messages (`t("key", params)`) and its numbers, sizes, dates, month and
 * day names, country names, all through `Intl` in the language's locale (French: "1 234" with a
 * narrow no-break space, "mai 2015", "lundi"). Intl objects are built once per locale and kind.
 */
import type { Child } from "hono/jsx";
import type { Catalog, MessageKey } from "./en";
import type { Lang } from "./languages";
import { LANGUAGES } from "./languages";

/** Parameters of a message: strings as they are, numbers formatted as integers of the locale. */
export type Params = Record<string, string | number>;
/** Bases of the plural messages: `X` when the catalog has `X.one` and `X.other`. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer B}.one`
    ? `${B}.other` extends MessageKey
      ? B
      : never
    : never;
}[MessageKey];

export interface T {
  (key: MessageKey, params?: Params): string;
  readonly lang: Lang;
  readonly locale: string;
  /** The language's messages, for a key built at run time (check it with Object.hasOwn). */
  readonly catalog: Catalog;
  /** A message whose parameters are markup: the text around them, then each one in place. */
  rich(key: MessageKey, params: Record<string, Child>): Child[];
  /** `base.one` or `base.other` by the locale's plural rule for n, with n as `{n}`. */
  plural(n: number, base: PluralKey, params?: Params): string;
  int(n: number): string;
  /** A number with exactly `digits` decimals. */
  dec(n: number, digits: number): string;
  /** Bytes in binary multiples, as AWStats and IWLA show them: 1536 → "1.5 KB" ("1,5 Ko"). */
  bytes(n: number): string;
  /** A share: "12.3%", "<0.1%", "–" when the whole is zero. */
  pct(part: number, whole: number): string;
  /** A relative change: "+12%", "-3%", "new" when there was nothing before. */
  change(now: number, before: number): string;
  duration(ms: number): string;
  /** A span of time for people: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
  age(ms: number): string;
  /** A unix time (seconds) in UTC: "20 May 2015, 21:05 UTC"; "never" for null. */
  time(unix: number | null): string;
  /** "2015-05" → "May 2015". */
  month(month: string): string;
  /** "2015-05" → "May". */
  monthShort(month: string): string;
  /** "2015-05-18" → "Mon 18". */
  dayLabel(date: string): string;
  /** "2015-05-18" → "Monday 18 May 2015". */
  dateLong(date: string): string;
  /** The short name of a weekday, 0 = Sunday. */
  weekdayShort(day: number): string;
  /** Dates of one month, first to last: "1–16 May", or "18 May" for one day. */
  dayRange(from: string, to: string): string;
  /** "FR" → "France"; "Unknown" for anything not a region code. */
  country(code: string): string;
  /** "404" → "Not Found"; "" when the code has no reason in the catalog. */
  status(code: string): string;
  /** The page's words for a key the core itself makes ("(not provided)", "desktop"…), else null. */
  fixedKey(key: string): string | null;
}

const formats = new Map<string, unknown>();
function cached<F>(id: string, make: () => F): F {
  let f = formats.get(id) as F | undefined;
  if (f === undefined) formats.set(id, (f = make()));
  return f;
}

const utc = (date: string) => new Date(`${date}T00:00:00Z`);
const UNITS = ["unit.B", "unit.KB", "unit.MB", "unit.GB", "unit.TB", "unit.PB"] as const;

export function translator(lang: Lang): T {
  const { catalog, locale } = LANGUAGES[lang];
  const num = (digits: number) =>
    cached(
      `n|${locale}|${digits}`,
      () =>
        new Intl.NumberFormat(locale, {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        }),
    );
  const percent = (digits: number, sign: boolean) =>
    cached(
      `p|${locale}|${digits}|${sign}`,
      () =>
        new Intl.NumberFormat(locale, {
          style: "percent",
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
          signDisplay: sign ? "exceptZero" : "auto",
        }),
    );
  const dates = (id: string, o: Intl.DateTimeFormatOptions) =>
    cached(`d|${locale}|${id}`, () => new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...o }));
  const int = (n: number) => num(0).format(Math.round(n));
  const fill = (text: string, params?: Params) =>
    params
      ? text.replace(/\{(\w+)\}/g, (whole, name: string) => {
          const v = params[name];
          return v === undefined ? whole : typeof v === "number" ? int(v) : v;
        })
      : text;
  const t = ((key: MessageKey, params?: Params) => fill(catalog[key], params)) as T;
  const has = (key: string): key is MessageKey => Object.hasOwn(catalog, key);
  let regions: Intl.DisplayNames | null | undefined;
  return Object.assign(t, {
    lang,
    locale,
    catalog,
    rich(key: MessageKey, params: Record<string, Child>): Child[] {
      const out: Child[] = [];
      for (const [i, part] of catalog[key].split(/\{(\w+)\}/).entries()) {
        if (i % 2 === 0) {
          if (part) out.push(part);
        } else out.push(Object.hasOwn(params, part) ? params[part] : `{${part}}`);
      }
      return out;
    },
    plural(n: number, base: PluralKey, params?: Params) {
      const rule = cached(`pl|${locale}`, () => new Intl.PluralRules(locale)).select(n);
      return t(rule === "one" ? `${base}.one` : `${base}.other`, { n, ...params });
    },
    int,
    dec: (n: number, digits: number) => num(digits).format(n),
    bytes(n: number) {
      let v = n;
      let u = 0;
      while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
        v /= 1024;
        u++;
      }
      const digits = u === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
      return t("unit.bytes", { n: num(digits).format(v), unit: t(UNITS[u]) });
    },
    pct(part: number, whole: number) {
      if (whole <= 0) return "–";
      const p = part / whole;
      if (p > 0 && p < 0.001) return t("pct.below", { pct: percent(1, false).format(0.001) });
      return percent(1, false).format(p);
    },
    change(now: number, before: number) {
      if (before <= 0) return now > 0 ? t("change.new") : "–";
      const p = (now - before) / before;
      return percent(Math.abs(p) < 0.1 ? 1 : 0, true).format(p);
    },
    duration(ms: number) {
      if (ms < 1000) return t("dur.ms", { n: int(ms) });
      const s = ms / 1000;
      if (s < 60) return t("dur.s", { n: num(s < 10 ? 2 : 1).format(s) });
      const m = Math.floor(s / 60);
      return t("dur.min", { m, s: Math.round(s - 60 * m) });
    },
    age(ms: number) {
      const s = Math.round(ms / 1000);
      if (s < 120) return t("age.s", { n: s });
      const min = Math.floor(s / 60);
      if (min < 60) return t("age.min", { n: min });
      const h = Math.floor(min / 60);
      if (h < 48) return min % 60 ? t("age.hmin", { h, m: min % 60 }) : t("age.h", { h });
      const d = Math.floor(h / 24);
      return h % 24 ? t("age.dh", { d, h: h % 24 }) : t("age.d", { d });
    },
    time(unix: number | null) {
      if (unix === null) return t("time.never");
      const f = dates("time", { dateStyle: "medium", timeStyle: "short" });
      return t("time.utc", { time: f.format(new Date(unix * 1000)) });
    },
    month: (month: string) =>
      dates("month", { month: "long", year: "numeric" }).format(utc(`${month}-01`)),
    monthShort: (month: string) => dates("mon", { month: "short" }).format(utc(`${month}-01`)),
    dayLabel: (date: string) =>
      dates("day", { weekday: "short", day: "2-digit" }).format(utc(date)),
    dateLong: (date: string) => dates("full", { dateStyle: "full" }).format(utc(date)),
    weekdayShort: (day: number) =>
      dates("wd", { weekday: "short" }).format(new Date(Date.UTC(2023, 0, 1 + day))),
    dayRange(from: string, to: string) {
      const f = dates("dm", { day: "numeric", month: "long" });
      return from === to ? f.format(utc(from)) : f.formatRange(utc(from), utc(to));
    },
    country(code: string) {
      if (!/^[A-Z]{2}$/.test(code)) return t("country.unknown");
      if (regions === undefined) {
        try {
          regions = new Intl.DisplayNames([locale], { type: "region" });
        } catch {
          regions = null;
        }
      }
      try {
        return regions?.of(code) ?? code;
      } catch {
        return code;
      }
    },
    status(code: string) {
      const key = `status.${Number(code)}`;
      return has(key) ? t(key) : "";
    },
    fixedKey(key: string) {
      const k = `key.${key}`;
      return has(k) ? t(k) : null;
    },
  });
}
