import type { IndexJson } from "../routes/reports-model";
import { MonthsOfYear, Tiles } from "./figures";
import { Layout } from "./layout";
import type { PageCtx } from "./page-context";

/** The site's index: every year, newest first, its months as a chart and a table, and its summary. */
export function IndexPage(p: { ctx: PageCtx; index: IndexJson }) {
  const { ctx } = p;
  const { t } = ctx;
  const { site, years } = p.index;
  return (
    <Layout ctx={ctx} title={t("site.title", { site })} crumbs={[{ label: site }]}>
      <h1>
        {site} <small>{t("index.subtitle")}</small>
      </h1>
      <p class="meta">
        {years.length === 0 ? t("index.empty") : t.plural(years.length, "index.years")}
        {" · "}
        <a href={`/api/v1/sites/${site}/years`}>JSON</a>
      </p>
      {years.map((y) => (
        <section class="card" id={`y${y.year}`}>
          <h2>
            <a href={`/sites/${site}/${y.year}`}>{y.year}</a>{" "}
            <small>
              · {t("index.daysWithData", { n: y.days })} ·{" "}
              {t("index.visitsADay", { n: t.dec(y.visitsPerDay, 1) })}
            </small>
          </h2>
          <Tiles ctx={ctx} t={y} visitorsNote={t("tile.distinctYear")} />
          <MonthsOfYear
            ctx={ctx}
            id={y.year}
            site={site}
            year={y.year}
            months={y.months}
            total={y}
          />
        </section>
      ))}
    </Layout>
  );
}
