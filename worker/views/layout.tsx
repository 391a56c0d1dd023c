import type { Child } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";
import type { MessageKey } from "../i18n/en";
import { LANGS, LANGUAGES } from "../i18n/languages";
import { assetUrl } from "./assets";
import type { PageCtx } from "./page-context";

export interface Crumb {
  label: string;
  href?: string;
}

export interface LayoutProps {
  ctx: PageCtx;
  title: string;
  crumbs: Crumb[];
  /** Extra navigation at the right of the header (previous / next links). */
  nav?: Child;
  children?: Child;
}

/** The badge of a site's watchdog state, linking to its page. */
export function WatchBadge(p: { ctx: PageCtx; site: string; state: string }) {
  const { t } = p.ctx;
  const key = `state.${p.state}`;
  const label = Object.hasOwn(t.catalog, key) ? t(key as MessageKey) : p.state;
  return (
    <a
      class="wd"
      data-state={p.state}
      href={`/sites/${p.site}/watchdog`}
      title={t("wd.badge.title", { state: p.state })}
    >
      <span class="dot" aria-hidden="true"></span>
      {t("wd.badge")} <b>{label}</b>
    </a>
  );
}

/**
 * The switch to the page's other languages: plain links (no script, and no submit button to be
 * confused with a page's own form), back to the same page.
 */
function LanguageSwitch(p: { ctx: PageCtx }) {
  const { t } = p.ctx;
  return (
    <nav class="lang" aria-label={t("layout.language")}>
      {LANGS.filter((l) => l !== t.lang).map((l) => (
        <a
          href={`/lang?${new URLSearchParams({ to: l, next: p.ctx.path })}`}
          hreflang={l}
          lang={l}
          rel="nofollow"
        >
          {LANGUAGES[l].name}
        </a>
      ))}
    </nav>
  );
}

/**
 * The page shell: header with breadcrumbs, the watchdog's badge on a site's report pages, the
 * language switch and the logout button; the stylesheet and the sort script (same-origin files).
 */
export function Layout(p: LayoutProps) {
  const { t, site } = p.ctx;
  return (
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <link rel="icon" href="data:," />
        <title>{p.title}</title>
        <link rel="stylesheet" href={assetUrl("vigie.css")} />
        <script src={assetUrl("sort.js")} defer></script>
      </head>
      <body>
        <header class="top">
          <div class="in">
            <span class="brand">Vigie</span>
            <nav class="crumbs" aria-label={t("layout.breadcrumb")}>
              {p.crumbs.map((c) =>
                c.href ? (
                  <a href={c.href}>{c.label}</a>
                ) : (
                  <span aria-current="page">{c.label}</span>
                ),
              )}
            </nav>
            {site && p.ctx.watch && <WatchBadge ctx={p.ctx} site={site} state={p.ctx.watch} />}
            <span class="spacer"></span>
            <div class="nav">
              {p.nav}
              <LanguageSwitch ctx={p.ctx} />
              {p.ctx.logout !== undefined && (
                <form class="inline" method="post" action={`/sites/${p.ctx.logout}/logout`}>
                  <button type="submit">{t("layout.logout")}</button>
                </form>
              )}
            </div>
          </div>
        </header>
        <main>{p.children}</main>
        <footer>
          {t("layout.footer.stats")}{" "}
          {t.rich("layout.footer.countries", {
            nro: (
              <a href="https://www.nro.net" rel="noopener noreferrer nofollow">
                NRO
              </a>
            ),
            db: "ip-location-db",
            license: "CC BY 4.0",
          })}{" "}
          {t("layout.footer.units")}
          {site && (
            <>
              {" · "}
              <a href={`/sites/${site}/glossary`}>{t("layout.footer.glossary")}</a>
            </>
          )}
        </footer>
      </body>
    </html>
  );
}

/** The whole document: doctype, then the escaped markup hono/jsx renders. */
export async function renderPage(
  node: HtmlEscapedString | Promise<HtmlEscapedString>,
): Promise<string> {
  return `<!DOCTYPE html>${String(await node)}`;
}
