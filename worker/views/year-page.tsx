import type { YearJson } from "../routes/reports-model";
import { YearCalendar } from "./charts";
import { MonthsOfYear, Tiles } from "./figures";
import { fmtBytes, fmtChange, fmtInt, fmtPct } from "./format";
import { Layout } from "./layout";
import { Pager } from "./panel-page";
import { SortTh } from "./sort-th";

/** The year in review: the figures owners otherwise compute by hand, compared with the other years. */
export function YearPage(p: { y: YearJson; logout?: string; top: number }) {
  const y = p.y;
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
        <span class="off">←</span>
      )}
      {later ? (
        <a href={`${base}/${later.year}`} rel="next">
          {later.year} →
        </a>
      ) : (
        <span class="off">→</span>
      )}
    </>
  );
  const visits = new Map(y.daily.map((d) => [d.date, d.visits]));
  return (
    <Layout
      title={`${y.site} — ${y.year} — Vigie`}
      crumbs={[{ label: y.site, href: `${base}/` }, { label: y.year }]}
      nav={nav}
      logout={p.logout}
    >
      <h1>
        {y.site} <small>{y.year} in review</small>
      </h1>
      <p class="meta">
        {fmtInt(y.days)} days with data · {y.visitsPerDay} visits a day on average
        {y.gaps.length ? ` · ${y.gaps.length} days without data` : ""}
        {" · "}
        <a href={`/api/v1/sites/${y.site}/years/${y.year}`}>JSON</a>
      </p>
      <Tiles t={y} visitorsNote="distinct over the year" />

      <section class="card" id="calendar">
        <h2>Visits per day</h2>
        <div class="scroll">
          <YearCalendar year={y.year} visits={visits} gaps={new Set(y.gaps)} />
        </div>
        <p class="legend">
          <span>
            <i class="gapkey"></i>no data (gap)
          </span>
          <span>darker: more visits</span>
        </p>
      </section>

      <section class="card" id="months">
        <h2>Months</h2>
        <MonthsOfYear id="year" site={y.site} year={y.year} months={y.months} total={y} />
      </section>

      <section class="card" id="compare">
        <h2>Compared with the other years</h2>
        <div class="scroll">
          <table class="sortable">
            <thead>
              <tr>
                <SortTh label="Year" />
                <SortTh num label="Visits" />
                <SortTh num label="Visits a day" />
                <SortTh num label="Visitors" />
                <SortTh num label="Pages" />
                <SortTh num label="Bandwidth" />
                <SortTh num label="Days" />
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
                      {fmtInt(o.visits)}
                      {before && <span class="sub"> {fmtChange(o.visits, before.visits)}</span>}
                    </td>
                    <td class="n" data-v={o.visitsPerDay}>
                      {o.visitsPerDay}
                      {before && (
                        <span class="sub"> {fmtChange(o.visitsPerDay, before.visitsPerDay)}</span>
                      )}
                    </td>
                    <td class="n" data-v={o.visitors}>
                      {fmtInt(o.visitors)}
                    </td>
                    <td class="n" data-v={o.pages}>
                      {fmtInt(o.pages)}
                    </td>
                    <td class="n" data-v={o.bytes}>
                      {fmtBytes(o.bytes)}
                    </td>
                    <td class="n" data-v={o.days}>
                      {fmtInt(o.days)}
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
          Top pages of {y.year}{" "}
          <small>
            · {fmtInt(y.topPages.total.rows)} pages viewed, {fmtInt(y.topPages.total.pages)} views
          </small>
        </h2>
        {top.rows.some((r) => r.forImages) && (
          <p class="meta">
            <span class="badge">images</span> viewed mostly for its images: over half of the page's
            views came from an image search.
          </p>
        )}
        <div class="scroll">
          <table class="sortable">
            <thead>
              <tr>
                <SortTh num narrow label="#" />
                <SortTh label="Page" />
                <SortTh num label="Views" />
                <SortTh num label="Share" />
                <SortTh num narrow label="Bandwidth" />
              </tr>
            </thead>
            <tbody>
              {top.rows.map((r, i) => (
                <tr>
                  <td class="n hide-s" data-v={top.offset + i + 1}>
                    {top.offset + i + 1}
                  </td>
                  <td class="k mono" data-v={r.key}>
                    {r.key}
                    {r.forImages && (
                      <>
                        {" "}
                        <span
                          class="badge"
                          title={`${fmtInt(r.fromImages)} of ${fmtInt(r.pages)} views came from an image search`}
                        >
                          images
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
                    {fmtInt(r.pages)}
                  </td>
                  <td class="n" data-v={r.pages}>
                    {fmtPct(r.pages, y.topPages.total.pages)}
                  </td>
                  <td class="n hide-s" data-v={r.bytes}>
                    {fmtBytes(r.bytes)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager
          page={page}
          pages={Math.ceil(top.total.rows / p.top)}
          href={(n) => `${base}/${y.year}${n > 1 ? `?page=${n}` : ""}#top-pages`}
        />
      </section>
    </Layout>
  );
}
