import type { T } from "../i18n/translator";

/** What every page's shell needs besides its figures: the language, where it is, whose it is. */
export interface PageCtx {
  t: T;
  /** The page's own path and query: where the language switch comes back to. */
  path: string;
  /** The site the page belongs to: the glossary's links and the watchdog's. */
  site?: string;
  /** The site's watchdog state (MASTER_ACTIVE…, UNWATCHED): report pages show it in their header. */
  watch?: string;
  /** The site's name when the reader logged in with the form: a logout button is shown. */
  logout?: string;
}
