import type { YearJson } from "../routes/reports-model";
import { YearCalendar } from "./charts";
import { Ext } from "./ext";
import { visibleBidi } from "./format";
import { MonthsOfYear, Tiles } from "./figures";
import { Def } from "./glossary-page";
import { Layout } from "./layout";
import type { PageCtx } from "./page-context";
import { Pager } from "./panel-page";
import { SortTh } from "./sort-th";

/** The year in review: the figures owners otherwise compute by hand, compared with the other years. */
export function YearPage(p: { ctx: PageCtx; y: YearJson; top: number }) {
  const { ctx, y } = p;
  const { t } = ctx;
  const top = y.topPages;
  const page = Math.floor(top.offset / p.top) + 1;
  const base = `/sites/${y.site}`;
  const prev = y.years.find((o) => o.year < y.year);
  const later = [...y.years].reverse().find((o) => o.year > y.year);
  const nav = (
    <>
      {prev ? (
        <a href={`${base}/${prev.year}`} rel="prev">
          ← {prev.year}
        </a>
      ) : (
        <span class="off" title={t("layout.prev")}>
          ←
        </span>
      )}
      {later ? (
        <a href={`${base}/${later.year}`} rel="next">
          {later.year} →
        </a>
      ) : (
        <span class="off" title={t("layout.next")}>
          →
        </span>
      )}
    </>
  );
  const visits = new Map(y.daily.map((d) => [d.date, d.visits]));
  return (
    <Layout
      ctx={ctx}
      title={t("year.title", { site: y.site, year: y.year })}
      crumbs={[{ label: y.site, href: `${base}/` }, { label: y.year }]}
      nav={nav}
    >
      <h1>
        {y.site} <small>{t("year.subtitle", { year: y.year })}</small>
      </h1>
      <p class="meta">
        {t("year.daysWithData", { n: y.days })} ·{" "}
        {t("year.visitsADay", { n: t.dec(y.visitsPerDay, 1) })}
        {y.gaps.length ? ` · ${t("year.daysWithout", { n: y.gaps.length })}` : ""}
        {" · "}
        <a href={`/api/v1/sites/${y.site}/years/${y.year}`}>JSON</a>
      </p>
      <Tiles ctx={ctx} t={y} visitorsNote={t("tile.distinctYear")} />

      <section class="card" id="calendar">
        <h2>
          {t("year.calendar")} <Def ctx={ctx} id="visit" />
        </h2>
        <div class="scroll">
          <YearCalendar t={t} year={y.year} visits={visits} gaps={new Set(y.gaps)} />
        </div>
        <p class="legend">
          <span>
            <i class="gapkey"></i>
            {t("chart.gap")}
          </span>
          <span>{t("cal.darker")}</span>
        </p>
      </section>

      <section class="card" id="months">
        <h2>{t("year.months")}</h2>
        <MonthsOfYear ctx={ctx} id="year" site={y.site} year={y.year} months={y.months} total={y} />
      </section>

      <section class="card" id="compare">
        <h2>{t("year.compare")}</h2>
        <div class="scroll">
          <table class="sortable">
            <thead>
              <tr>
                <SortTh label={t("col.year")} />
                <SortTh num label={t("col.visits")} />
                <SortTh num label={t("col.visitsADay")} />
                <SortTh num label={t("col.visitors")} />
                <SortTh num label={t("col.pages")} />
                <SortTh num narrow label={t("col.bandwidth")} />
                <SortTh num narrow label={t("col.days")} />
              </tr>
            </thead>
            <tbody>
              {y.years.map((o) => {
                const before = y.years.find((x) => x.year < o.year);
                return (
                  <tr class={o.year === y.year ? "here" : undefined}>
                    <td data-v={o.year}>
                      <a href={`${base}/${o.year}`}>{o.year}</a>
                    </td>
                    <td class="n" data-v={o.visits}>
                      {t.int(o.visits)}
                      {before && <span class="sub"> {t.change(o.visits, before.visits)}</span>}
                    </td>
                    <td class="n" data-v={o.visitsPerDay}>
                      {t.dec(o.visitsPerDay, 1)}
                      {before && (
                        <span class="sub"> {t.change(o.visitsPerDay, before.visitsPerDay)}</span>
                      )}
                    </td>
                    <td class="n" data-v={o.visitors}>
                      {t.int(o.visitors)}
                    </td>
                    <td class="n" data-v={o.pages}>
                      {t.int(o.pages)}
                    </td>
                    <td class="n hide-s" data-v={o.bytes}>
                      {t.bytes(o.bytes)}
                    </td>
                    <td class="n hide-s" data-v={o.days}>
                      {t.int(o.days)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" id="top-pages">
        <h2>
          {t("year.top", { year: y.year })} <Def ctx={ctx} id="page" />{" "}
          <small>
            ·{" "}
            {t("year.topSummary", {
              rows: y.topPages.total.rows,
              views: y.topPages.total.pages,
            })}
          </small>
        </h2>
        {top.rows.some((r) => r.forImages) && (
          <p class="meta">
            <span class="badge">{t("year.images")}</span> {t("year.imagesNote")}{" "}
            <Def ctx={ctx} id="image-search" />
          </p>
        )}
        <div class="scroll">
          <table class="sortable">
            <thead>
              <tr>
                <SortTh num narrow label={t("col.rank")} />
                <SortTh label={t("col.page")} />
                <SortTh num label={t("col.views")} />
                <SortTh num label={t("col.share")} />
                <SortTh num narrow label={t("col.bandwidth")} />
              </tr>
            </thead>
            <tbody>
              {top.rows.map((r, i) => (
                <tr>
                  <td class="n hide-s" data-v={top.offset + i + 1}>
                    {t.int(top.offset + i + 1)}
                  </td>
                  <td class="k mono" data-v={visibleBidi(r.key)}>
                    <Ext v={r.key} />
                    {r.forImages && (
                      <>
                        {" "}
                        <span
                          class="badge"
                          title={t("year.imagesTitle", { from: r.fromImages, views: r.pages })}
                        >
                          {t("year.images")}
                        </span>
                      </>
                    )}
                    <svg
                      class="bar"
                      viewBox="0 0 100 5"
                      preserveAspectRatio="none"
                      aria-hidden="true"
                    >
                      <rect
                        width={((100 * r.pages) / Math.max(1, top.total.maxPages)).toFixed(2)}
                        height="5"
                      />
                    </svg>
                  </td>
                  <td class="n" data-v={r.pages}>
                    {t.int(r.pages)}
                  </td>
                  <td class="n" data-v={r.pages}>
                    {t.pct(r.pages, y.topPages.total.pages)}
                  </td>
                  <td class="n hide-s" data-v={r.bytes}>
                    {t.bytes(r.bytes)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager
          t={t}
          page={page}
          pages={Math.ceil(top.total.rows / p.top)}
          href={(n) => `${base}/${y.year}${n > 1 ? `?page=${n}` : ""}#top-pages`}
        />
      </section>
    </Layout>
  );
}
