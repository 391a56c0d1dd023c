/** Building blocks shared by the index, year and month pages: summary tiles and the months table. */
import type { MonthRow } from "../db/queries/get-month-report";
import type { Totals } from "../routes/reports-model";
import type { Column } from "./charts";
import { BarChart } from "./charts";
import { fmtBytes, fmtInt, monthShort, monthTitle } from "./format";
import { SortTh } from "./sort-th";

export function Tiles(p: { t: Totals; visitorsNote?: string }) {
  const t = p.t;
  return (
    <div class="tiles">
      <div class="tile t-visitors">
        <div class="v">{fmtInt(t.visitors)}</div>
        <div class="l">Unique visitors</div>
        {p.visitorsNote && <div class="s">{p.visitorsNote}</div>}
      </div>
      <div class="tile t-visits">
        <div class="v">{fmtInt(t.visits)}</div>
        <div class="l">Visits</div>
        <div class="s">{t.visitors ? `${(t.visits / t.visitors).toFixed(2)} per visitor` : ""}</div>
      </div>
      <div class="tile t-pages">
        <div class="v">{fmtInt(t.pages)}</div>
        <div class="l">Pages</div>
        <div class="s">{t.visits ? `${(t.pages / t.visits).toFixed(2)} per visit` : ""}</div>
      </div>
      <div class="tile t-hits">
        <div class="v">{fmtInt(t.hits)}</div>
        <div class="l">Hits</div>
        <div class="s">robots included</div>
      </div>
      <div class="tile t-bytes">
        <div class="v">{fmtBytes(t.bytes)}</div>
        <div class="l">Bandwidth</div>
      </div>
      <div class="tile t-robots">
        <div class="v">{fmtInt(t.robotHits)}</div>
        <div class="l">Robot hits</div>
        <div class="s">{t.hits ? `${((100 * t.robotHits) / t.hits).toFixed(1)}% of hits` : ""}</div>
      </div>
    </div>
  );
}

export const MONTH_SERIES = [
  { name: "Visitors", cls: "visitors" },
  { name: "Visits", cls: "visits" },
  { name: "Pages", cls: "pages" },
  { name: "Hits", cls: "hits" },
  { name: "Bandwidth", cls: "bytes", bytes: true },
];

/** A year's twelve months as a chart and a table with the year's total; `here` marks the month being read. */
export function MonthsOfYear(p: {
  site: string;
  year: string;
  months: MonthRow[];
  total: Totals;
  here?: string;
  id: string;
}) {
  const byMonth = new Map(p.months.map((m) => [m.month, m]));
  const columns: Column[] = [];
  for (let i = 1; i <= 12; i++) {
    const month = `${p.year}-${String(i).padStart(2, "0")}`;
    const m = byMonth.get(month);
    columns.push({
      label: monthShort(month),
      title: monthTitle(month),
      values: m ? [m.visitors, m.visits, m.pages, m.hits, m.bytes] : null,
      blank: !m,
    });
  }
  return (
    <>
      <BarChart
        id={`y${p.id}`}
        series={MONTH_SERIES}
        columns={columns}
        caption={`Months of ${p.year}`}
      />
      <div class="scroll">
        <table class="sortable">
          <thead>
            <tr>
              <SortTh label="Month" />
              <SortTh num label="Visitors" />
              <SortTh num label="Visits" />
              <SortTh num label="Pages" />
              <SortTh num label="Hits" />
              <SortTh num narrow label="Bandwidth" />
            </tr>
          </thead>
          <tbody>
            {p.months.map((m) => (
              <tr class={m.month === p.here ? "here" : undefined}>
                <td data-v={m.month}>
                  <a href={`/sites/${p.site}/${m.month}`}>
                    {monthShort(m.month)} {m.month.slice(0, 4)}
                  </a>
                </td>
                <td class="n" data-v={m.visitors}>
                  {fmtInt(m.visitors)}
                </td>
                <td class="n" data-v={m.visits}>
                  {fmtInt(m.visits)}
                </td>
                <td class="n" data-v={m.pages}>
                  {fmtInt(m.pages)}
                </td>
                <td class="n" data-v={m.hits}>
                  {fmtInt(m.hits)}
                </td>
                <td class="n hide-s" data-v={m.bytes}>
                  {fmtBytes(m.bytes)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td>
                <a href={`/sites/${p.site}/${p.year}`}>{p.year}</a>
              </td>
              <td class="n" title="distinct over the year, not a sum of months">
                {fmtInt(p.total.visitors)}
              </td>
              <td class="n">{fmtInt(p.total.visits)}</td>
              <td class="n">{fmtInt(p.total.pages)}</td>
              <td class="n">{fmtInt(p.total.hits)}</td>
              <td class="n hide-s">{fmtBytes(p.total.bytes)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
