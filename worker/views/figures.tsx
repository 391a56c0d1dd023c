/** Building blocks shared by the index, year and month pages: summary tiles and the months table. */
import type { MonthRow } from "../db/queries/get-month-report";
import type { T } from "../i18n/translator";
import type { Totals } from "../routes/reports-model";
import type { Column, Series } from "./charts";
import { BarChart } from "./charts";
import type { GlossaryId } from "./glossary-page";
import { Def } from "./glossary-page";
import type { PageCtx } from "./page-context";
import { SortTh } from "./sort-th";

function Tile(p: {
  ctx: PageCtx;
  cls: string;
  value: string;
  label: string;
  def: GlossaryId;
  sub?: string;
}) {
  return (
    <div class={`tile ${p.cls}`}>
      <div class="v">{p.value}</div>
      <div class="l">
        {p.label} <Def ctx={p.ctx} id={p.def} />
      </div>
      {p.sub && <div class="s">{p.sub}</div>}
    </div>
  );
}

/**
 * The figures as tiles. `split`: the month filtered by a virtual host, whose pages, hits and
 * bandwidth only are that host's: the others are left out, and so are the ratios to visits.
 */
export function Tiles(p: { ctx: PageCtx; t: Totals; visitorsNote?: string; split?: boolean }) {
  const { t } = p.ctx;
  const x = p.t;
  const all = !p.split;
  return (
    <div class="tiles">
      {all && (
        <Tile
          ctx={p.ctx}
          cls="t-visitors"
          value={t.int(x.visitors)}
          label={t("tile.visitors")}
          def="visitor"
          sub={p.visitorsNote}
        />
      )}
      {all && (
        <Tile
          ctx={p.ctx}
          cls="t-visits"
          value={t.int(x.visits)}
          label={t("tile.visits")}
          def="visit"
          sub={x.visitors ? t("tile.perVisitor", { n: t.dec(x.visits / x.visitors, 2) }) : ""}
        />
      )}
      <Tile
        ctx={p.ctx}
        cls="t-pages"
        value={t.int(x.pages)}
        label={t("tile.pages")}
        def="page"
        sub={all && x.visits ? t("tile.perVisit", { n: t.dec(x.pages / x.visits, 2) }) : ""}
      />
      <Tile
        ctx={p.ctx}
        cls="t-hits"
        value={t.int(x.hits)}
        label={t("tile.hits")}
        def="hit"
        sub={t("tile.robotsIncluded")}
      />
      <Tile
        ctx={p.ctx}
        cls="t-bytes"
        value={t.bytes(x.bytes)}
        label={t("tile.bandwidth")}
        def="bandwidth"
      />
      {all && (
        <Tile
          ctx={p.ctx}
          cls="t-robots"
          value={t.int(x.robotHits)}
          label={t("tile.robotHits")}
          def="robot"
          sub={x.hits ? t("tile.ofHits", { pct: t.pct(x.robotHits, x.hits) }) : ""}
        />
      )}
    </div>
  );
}

/** Visitors, visits, pages, hits and bandwidth: the series of the month and day charts. */
export function monthSeries(t: T): Series[] {
  return [
    { name: t("col.visitors"), cls: "visitors" },
    { name: t("col.visits"), cls: "visits" },
    { name: t("col.pages"), cls: "pages" },
    { name: t("col.hits"), cls: "hits" },
    { name: t("col.bandwidth"), cls: "bytes", bytes: true },
  ];
}

/**
 * A year's months as a table with the year's total, after a chart of its twelve months unless
 * `chart` is false; `here` marks the month being read.
 */
export function MonthsOfYear(p: {
  ctx: PageCtx;
  site: string;
  year: string;
  months: MonthRow[];
  total: Totals;
  here?: string;
  id: string;
  /** false: the table alone, its months by their short names (the month page's recall of its year). */
  chart?: boolean;
}) {
  const { t } = p.ctx;
  const byMonth = new Map(p.months.map((m) => [m.month, m]));
  const columns: Column[] = [];
  for (let i = 1; i <= 12; i++) {
    const month = `${p.year}-${String(i).padStart(2, "0")}`;
    const m = byMonth.get(month);
    columns.push({
      label: t.monthShort(month),
      title: t.month(month),
      values: m ? [m.visitors, m.visits, m.pages, m.hits, m.bytes] : null,
      blank: !m,
    });
  }
  return (
    <>
      {p.chart !== false && (
        <BarChart
          t={t}
          id={`y${p.id}`}
          series={monthSeries(t)}
          columns={columns}
          caption={t("chart.monthsOf", { year: p.year })}
        />
      )}
      <div class="scroll">
        <table class="sortable">
          <thead>
            <tr>
              <SortTh label={t("col.month")} />
              <SortTh num label={t("col.visitors")} />
              <SortTh num label={t("col.visits")} />
              <SortTh num label={t("col.pages")} />
              <SortTh num label={t("col.hits")} />
              <SortTh num narrow label={t("col.bandwidth")} />
            </tr>
          </thead>
          <tbody>
            {p.months.map((m) => (
              <tr class={m.month === p.here ? "here" : undefined}>
                <td data-v={m.month}>
                  <a href={`/sites/${p.site}/${m.month}`}>
                    {p.chart === false ? t.monthShort(m.month) : t.month(m.month)}
                  </a>
                </td>
                <td class="n" data-v={m.visitors}>
                  {t.int(m.visitors)}
                </td>
                <td class="n" data-v={m.visits}>
                  {t.int(m.visits)}
                </td>
                <td class="n" data-v={m.pages}>
                  {t.int(m.pages)}
                </td>
                <td class="n" data-v={m.hits}>
                  {t.int(m.hits)}
                </td>
                <td class="n hide-s" data-v={m.bytes}>
                  {t.bytes(m.bytes)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td>
                <a href={`/sites/${p.site}/${p.year}`}>{p.year}</a>
              </td>
              <td class="n" title={t("months.distinct")}>
                {t.int(p.total.visitors)}
              </td>
              <td class="n">{t.int(p.total.visits)}</td>
              <td class="n">{t.int(p.total.pages)}</td>
              <td class="n">{t.int(p.total.hits)}</td>
              <td class="n hide-s">{t.bytes(p.total.bytes)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
