/** The month page's time blocks: its days (chart and table, a run of gaps as one row) and hours. */
import type { MonthJson } from "../routes/reports-model";
import type { Column } from "./charts";
import { BarChart } from "./charts";
import { monthSeries } from "./figures";
import { datesOf, isWeekend } from "./format";
import { Def } from "./glossary-page";
import type { PageCtx } from "./page-context";
import { SortTh } from "./sort-th";

/** Runs of consecutive dates that are gaps, each as [first, last]; other dates alone. */
function dayRows(dates: string[], gaps: Set<string>): (string | [string, string])[] {
  const out: (string | [string, string])[] = [];
  for (const date of dates) {
    const last = out[out.length - 1];
    if (!gaps.has(date)) out.push(date);
    else if (Array.isArray(last) && nextDay(last[1]) === date) last[1] = date;
    else out.push([date, date]);
  }
  return out;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export function Days(p: { ctx: PageCtx; m: MonthJson }) {
  const { ctx, m } = p;
  const { t } = ctx;
  // Filtered by virtual host, a day has that host's pages, hits and bandwidth only.
  const all = m.vhost === null;
  const v = (x: number | null) => x ?? 0;
  const byDate = new Map(m.days.map((d) => [d.date, d]));
  const gaps = new Set(m.gaps);
  const columns: Column[] = datesOf(m.month).map((date) => {
    const d = byDate.get(date);
    return {
      label: String(Number(date.slice(8))),
      title: t.dateLong(date),
      weekend: isWeekend(date),
      values: !d
        ? null
        : all
          ? [v(d.visitors), v(d.visits), d.pages, d.hits, d.bytes]
          : [d.pages, d.hits, d.bytes],
      robots: d?.robotHits ?? undefined,
      blank: !d && !gaps.has(date),
    };
  });
  // Rows: every day from the first with data or the first gap, to the last one; a run of gaps is one row.
  const rows = dayRows(
    datesOf(m.month).filter((date) => byDate.has(date) || gaps.has(date)),
    gaps,
  );
  const n = m.days.length;
  const avg = (f: (d: (typeof m.days)[number]) => number) =>
    n ? m.days.reduce((s, d) => s + f(d), 0) / n : 0;
  return (
    <section class="card" id="days">
      <h2>
        {t("days.title")} <Def ctx={ctx} id="visit" />{" "}
        <small>
          · {t("days.withData", { n })}
          {m.gaps.length ? (
            <>
              , {t.plural(m.gaps.length, "days.gaps")} <Def ctx={ctx} id="gap" />
            </>
          ) : (
            ""
          )}
        </small>
      </h2>
      <BarChart
        t={t}
        id="days"
        series={all ? monthSeries(t) : monthSeries(t).slice(2)}
        columns={columns}
        caption={t("chart.daysOf", { month: t.month(m.month) })}
        robotsIn={all ? t("chart.ofWhichRobots") : undefined}
      />
      <div class="scroll">
        <table class="sortable" id="days-table">
          <thead>
            <tr>
              <SortTh label={t("col.day")} />
              {all && <SortTh num label={t("col.visitors")} />}
              {all && <SortTh num label={t("col.visits")} />}
              <SortTh num label={t("col.pages")} />
              <SortTh num label={t("col.hits")} />
              <SortTh num narrow label={t("col.bandwidth")} />
              {all && <SortTh num narrow label={t("col.robotHits")} />}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              if (Array.isArray(row))
                return (
                  <tr class="gap">
                    <td colspan={all ? 7 : 4} data-v={row[0]} title={t("days.gapTitle")}>
                      {t("days.gapRow", { days: t.dayRange(row[0], row[1]) })}
                    </td>
                  </tr>
                );
              const d = byDate.get(row)!;
              return (
                <tr class={isWeekend(row) ? "we" : undefined}>
                  <td data-v={row} title={t.dateLong(row)}>
                    {t.dayLabel(row)}
                  </td>
                  {all && (
                    <td class="n" data-v={v(d.visitors)}>
                      {t.int(v(d.visitors))}
                    </td>
                  )}
                  {all && (
                    <td class="n" data-v={v(d.visits)}>
                      {t.int(v(d.visits))}
                    </td>
                  )}
                  <td class="n" data-v={d.pages}>
                    {t.int(d.pages)}
                  </td>
                  <td class="n" data-v={d.hits}>
                    {t.int(d.hits)}
                  </td>
                  <td class="n hide-s" data-v={d.bytes}>
                    {t.bytes(d.bytes)}
                  </td>
                  {all && (
                    <td class="n hide-s" data-v={v(d.robotHits)}>
                      {t.int(v(d.robotHits))}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr class="avg">
              <td>{t("days.average")}</td>
              {all && <td class="n">{t.int(avg((d) => v(d.visitors)))}</td>}
              {all && <td class="n">{t.int(avg((d) => v(d.visits)))}</td>}
              <td class="n">{t.int(avg((d) => d.pages))}</td>
              <td class="n">{t.int(avg((d) => d.hits))}</td>
              <td class="n hide-s">{t.bytes(avg((d) => d.bytes))}</td>
              {all && <td class="n hide-s">{t.int(avg((d) => v(d.robotHits)))}</td>}
            </tr>
            <tr>
              <td>{t("days.month")}</td>
              {all && (
                <td class="n" title={t("days.distinct")}>
                  {t.int(m.visitors)}
                </td>
              )}
              {all && <td class="n">{t.int(m.visits)}</td>}
              <td class="n">{t.int(m.pages)}</td>
              <td class="n">{t.int(m.hits)}</td>
              <td class="n hide-s">{t.bytes(m.bytes)}</td>
              {all && <td class="n hide-s">{t.int(m.robotHits)}</td>}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

const hh = (h: number) => String(h).padStart(2, "0");

export function Hours(p: { ctx: PageCtx; m: MonthJson }) {
  const { ctx } = p;
  const { t } = ctx;
  const hours = p.m.hours;
  const columns: Column[] = hours.map((h) => ({
    label: String(h.hour),
    title: t("hours.range", { from: `${hh(h.hour)}:00`, to: `${hh(h.hour)}:59` }),
    values: [h.visitors, h.visits, h.pages, h.hits, h.bytes],
    robots: h.robotHits,
  }));
  const series = monthSeries(t);
  series[1] = { name: t("col.visitsStarted"), cls: "visits" };
  return (
    <section class="card" id="hours">
      <h2>
        {t("hours.title")} <Def ctx={ctx} id="time-zone" /> <small>· {t("hours.note")}</small>
      </h2>
      <BarChart
        t={t}
        id="hours"
        width={560}
        series={series}
        columns={columns}
        caption={t("chart.hours")}
        robotsIn={t("chart.ofWhichRobots")}
      />
      <details>
        <summary>{t("hours.table")}</summary>
        <div class="scroll">
          <table class="sortable" id="hours-table">
            <thead>
              <tr>
                <SortTh num label={t("col.hour")} />
                <SortTh num label={t("col.visitors")} />
                <SortTh num label={t("col.visits")} />
                <SortTh num label={t("col.pages")} />
                <SortTh num label={t("col.hits")} />
                <SortTh num narrow label={t("col.bandwidth")} />
                <SortTh num narrow label={t("col.robotHits")} />
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr>
                  <td class="n" data-v={h.hour}>
                    {t("hours.cell", { h: hh(h.hour) })}
                  </td>
                  <td class="n" data-v={h.visitors}>
                    {t.int(h.visitors)}
                  </td>
                  <td class="n" data-v={h.visits}>
                    {t.int(h.visits)}
                  </td>
                  <td class="n" data-v={h.pages}>
                    {t.int(h.pages)}
                  </td>
                  <td class="n" data-v={h.hits}>
                    {t.int(h.hits)}
                  </td>
                  <td class="n hide-s" data-v={h.bytes}>
                    {t.bytes(h.bytes)}
                  </td>
                  <td class="n hide-s" data-v={h.robotHits}>
                    {t.int(h.robotHits)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
