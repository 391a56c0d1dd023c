/**
 * Language-neutral helpers of the report pages (the words, numbers and dates of a page are the
 * translator's: worker/i18n/translator.ts). Pure functions.
 */

/** Day of the week of "YYYY-MM-DD", 0 = Sunday. */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
export const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;

/** Every date "YYYY-MM-DD" of a month "YYYY-MM". */
export function datesOf(month: string): string[] {
  const n = new Date(
    Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0),
  ).getUTCDate();
  const out: string[] = [];
  for (let d = 1; d <= n; d++) out.push(`${month}-${String(d).padStart(2, "0")}`);
  return out;
}

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

/**
 * Unicode's bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069), and the marks (U+200E, U+200F, U+061C). In a stranger's text they reorder what
 * is shown — `/\u202Egnp.exe` displays as `/exe.png` — so pages show them as visible markers.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** A stranger's text with every bidi control replaced by a visible `⟨U+202E⟩`. */
export function visibleBidi(s: string): string {
  return s.replace(
    BIDI_CONTROLS,
    (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`,
  );
}
