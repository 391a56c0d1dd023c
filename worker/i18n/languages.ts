import type { Catalog } from "./en";
import { en } from "./en";
import { fr } from "./fr";

/**
 * The languages of the pages, one line each: its catalog, the locale `Intl` formats numbers, dates
 * and names in, and its name in itself (the language switch shows it). Adding a language is a
 * catalog file beside en.ts and one line here. The first one is the default.
 */
export const LANGUAGES = {
  en: { catalog: en, locale: "en-GB", name: "English" },
  fr: { catalog: fr, locale: "fr-FR", name: "Français" },
} as const satisfies Record<string, { catalog: Catalog; locale: string; name: string }>;

export type Lang = keyof typeof LANGUAGES;
export const LANGS = Object.keys(LANGUAGES) as Lang[];
export const isLang = (s: unknown): s is Lang =>
  typeof s === "string" && Object.hasOwn(LANGUAGES, s);
