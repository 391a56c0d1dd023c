import type { T } from "../i18n/translator";
import type { PanelPageJson } from "../routes/reports-model";
import { Def } from "./glossary-page";
import { Layout } from "./layout";
import type { PageCtx } from "./page-context";
import { PANEL_SPECS, PanelTable, panelTitle } from "./panel-table";

/**
 * Every row of one panel of a month, a page at a time (sorting on click sorts the page shown);
 * `byBytes`: the rows are ordered by bandwidth (the robots', IWLA's "robots by bandwidth").
 */
export function PanelPage(p: {
  ctx: PageCtx;
  site: string;
  panel: PanelPageJson;
  pageSize: number;
  byBytes?: boolean;
}) {
  const { ctx, site, panel } = p;
  const { t } = ctx;
  const base = `/sites/${site}`;
  const title = panelTitle(t, panel.id);
  const page = Math.floor(panel.offset / p.pageSize) + 1;
  const pages = Math.max(1, Math.ceil(panel.total.rows / p.pageSize));
  const self = `${base}/${panel.month}/${panel.id}`;
  const href = (n: number) => {
    const q = new URLSearchParams();
    if (p.byBytes) q.set("sort", "bytes");
    if (n > 1) q.set("page", String(n));
    return q.size ? `${self}?${q}` : self;
  };
  return (
    <Layout
      ctx={ctx}
      title={t("panelPage.title", { site, panel: title, month: t.month(panel.month) })}
      crumbs={[
        { label: site, href: `${base}/` },
        { label: panel.month.slice(0, 4), href: `${base}/${panel.month.slice(0, 4)}` },
        { label: t.month(panel.month), href: `${base}/${panel.month}#${panel.id}` },
        { label: title },
      ]}
    >
      <h1>
        {title} <Def ctx={ctx} id={PANEL_SPECS[panel.id].def} />{" "}
        <small>{t.month(panel.month)}</small>
      </h1>
      <p class="meta">
        {t("panelPage.rows", { rows: panel.total.rows, page, pages })}
        {panel.id === "robots" && (
          <>
            {" · "}
            {p.byBytes ? (
              <a href={self}>{t("panelPage.byHits")}</a>
            ) : (
              <a href={`${self}?sort=bytes`}>{t("panelPage.byBytes")}</a>
            )}
          </>
        )}
        {" · "}
        <a
          href={`/api/v1/sites/${site}/panels/${panel.id}?month=${panel.month}&format=csv&lang=${t.lang}`}
        >
          {t("panelPage.csv")}
        </a>
        {" · "}
        <a
          href={`/api/v1/sites/${site}/panels/${panel.id}?month=${panel.month}&limit=${p.pageSize}&offset=${panel.offset}`}
        >
          JSON
        </a>
      </p>
      <section class="card">
        <PanelTable
          t={t}
          panel={panel}
          offset={panel.offset}
          rank
          scale={panel.top}
          keyHref={
            panel.id === "vhosts"
              ? (host) => `${base}/${panel.month}?vhost=${encodeURIComponent(host)}`
              : undefined
          }
        />
        <Pager t={t} page={page} pages={pages} href={href} />
      </section>
    </Layout>
  );
}

/** Previous / next links through a long table, one page of rows at a time. */
export function Pager(p: { t: T; page: number; pages: number; href: (n: number) => string }) {
  const { t } = p;
  if (p.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t("pager.label")}>
      {p.page > 1 ? (
        <a class="btn" href={p.href(p.page - 1)} rel="prev">
          {t("pager.prev")}
        </a>
      ) : (
        <span class="btn off">{t("pager.prev")}</span>
      )}
      <span>{t("pager.of", { page: p.page, pages: p.pages })}</span>
      {p.page < p.pages ? (
        <a class="btn" href={p.href(p.page + 1)} rel="next">
          {t("pager.next")}
        </a>
      ) : (
        <span class="btn off">{t("pager.next")}</span>
      )}
    </nav>
  );
}
