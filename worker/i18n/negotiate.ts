import type { Lang } from "./languages";
import { isLang, LANGS } from "./languages";

/** The cookie the language switch sets (SameSite=Lax: it follows a link from a mail or a chat). */
export const LANG_COOKIE = "vigie_lang";

/**
 * The page's language: the switch's cookie when it names a language, else the first language of
 * `Accept-Language` (by its q-values) that has a catalog, else the default (English).
 */
export function pickLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookie)) return cookie;
  const wanted = (acceptLanguage ?? "")
    .split(",")
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...opts] = part.trim().split(";");
      const q = opts.map((o) => /^\s*q=([\d.]+)\s*$/.exec(o)?.[1]).find((v) => v !== undefined);
      return {
        lang: tag.trim().toLowerCase().split("-")[0],
        q: q === undefined ? 1 : Number(q),
        i,
      };
    })
    .filter((w) => w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) if (isLang(w.lang)) return w.lang;
  return LANGS[0];
}
