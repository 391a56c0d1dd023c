import type { PanelPageJson } from "../routes/reports-model";
import { fmtInt, monthTitle } from "./format";
import { Layout } from "./layout";
import { PanelTable } from "./panel-table";

/** Every row of one panel of a month, a page at a time (sorting on click sorts the page shown). */
export function PanelPage(p: {
  site: string;
  panel: PanelPageJson;
  pageSize: number;
  logout?: string;
}) {
  const { site, panel } = p;
  const base = `/sites/${site}`;
  const page = Math.floor(panel.offset / p.pageSize) + 1;
  const pages = Math.max(1, Math.ceil(panel.total.rows / p.pageSize));
  const href = (n: number) => `${base}/${panel.month}/${panel.id}${n > 1 ? `?page=${n}` : ""}`;
  return (
    <Layout
      title={`${site} — ${panel.title} — ${monthTitle(panel.month)} — Vigie`}
      crumbs={[
        { label: site, href: `${base}/` },
        { label: panel.month.slice(0, 4), href: `${base}/${panel.month.slice(0, 4)}` },
        { label: monthTitle(panel.month), href: `${base}/${panel.month}#${panel.id}` },
        { label: panel.title },
      ]}
      logout={p.logout}
    >
      <h1>
        {panel.title} <small>{monthTitle(panel.month)}</small>
      </h1>
      <p class="meta">
        {fmtInt(panel.total.rows)} rows · page {page} of {pages}
        {" · "}
        <a href={`/api/v1/sites/${site}/panels/${panel.id}?month=${panel.month}&format=csv`}>
          CSV (all rows)
        </a>
        {" · "}
        <a
          href={`/api/v1/sites/${site}/panels/${panel.id}?month=${panel.month}&limit=${p.pageSize}&offset=${panel.offset}`}
        >
          JSON
        </a>
      </p>
      <section class="card">
        <PanelTable panel={panel} offset={panel.offset} rank scale={panel.top} />
        <Pager page={page} pages={pages} href={href} />
      </section>
    </Layout>
  );
}

/** Previous / next links through a long table, one page of rows at a time. */
export function Pager(p: { page: number; pages: number; href: (n: number) => string }) {
  if (p.pages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {p.page > 1 ? (
        <a class="btn" href={p.href(p.page - 1)} rel="prev">
          ← Previous
        </a>
      ) : (
        <span class="btn off">← Previous</span>
      )}
      <span>
        Page {p.page} of {p.pages}
      </span>
      {p.page < p.pages ? (
        <a class="btn" href={p.href(p.page + 1)} rel="next">
          Next →
        </a>
      ) : (
        <span class="btn off">Next →</span>
      )}
    </nav>
  );
}
