import type { Child } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";
import { assetUrl } from "./assets";

export interface Crumb {
  label: string;
  href?: string;
}

export interface LayoutProps {
  title: string;
  crumbs: Crumb[];
  /** Extra navigation at the right of the header (previous / next links). */
  nav?: Child;
  /** The site's name when the reader logged in with the form: a logout button is shown. */
  logout?: string;
  children?: Child;
}

/** The page shell: header with breadcrumbs, the stylesheet and the sort script (both same-origin files). */
export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
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
            <nav class="crumbs" aria-label="Breadcrumb">
              {p.crumbs.map((c) =>
                c.href ? (
                  <a href={c.href}>{c.label}</a>
                ) : (
                  <span aria-current="page">{c.label}</span>
                ),
              )}
            </nav>
            <span class="spacer"></span>
            <div class="nav">
              {p.nav}
              {p.logout !== undefined && (
                <form class="inline" method="post" action={`/sites/${p.logout}/logout`}>
                  <button type="submit">Log out</button>
                </form>
              )}
            </div>
          </div>
        </header>
        <main>{p.children}</main>
        <footer>
          Vigie web statistics. Country data:{" "}
          <a href="https://www.nro.net" rel="noopener noreferrer nofollow">
            NRO
          </a>{" "}
          via ip-location-db, CC BY 4.0. Sizes in binary units (1 KB = 1024 bytes).
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
