import type { PanelId } from "../core/panels";
import { PANELS } from "../core/panels";
import type { WatchedRow } from "../db/queries/get-month-report";
import type { MessageKey } from "../i18n/en";
import type { T } from "../i18n/translator";
import type { MonthJson } from "../routes/reports-model";
import type { Column } from "./charts";
import { BarChart } from "./charts";
import { Ext } from "./ext";
import { monthSeries, MonthsOfYear, Tiles } from "./figures";
import { datesOf, isWeekend, safeHref, visibleBidi } from "./format";
import { Def } from "./glossary-page";
import type { Crumb } from "./layout";
import { Layout } from "./layout";
import type { PageCtx } from "./page-context";
import { PanelTable, PANEL_SPECS, panelTitle } from "./panel-table";
import { SortTh } from "./sort-th";

export interface MonthPageProps {
  ctx: PageCtx;
  m: MonthJson;
  /** Rows per panel on this page. */
  top: number;
}

/**
 * Where each panel of the registry goes: `main` panels are open, two a row on a wide screen, in
 * the registry's order; `more` panels follow, folded (a click opens one). A new panel in
 * worker/core/panels.ts needs its line here (and its catalog keys and PANEL_SPECS row).
 */
const PLACE: Record<PanelId, "main" | "more"> = {
  pages: "main",
  entry: "main",
  referers: "main",
  "referring-sites": "main",
  "search-engines": "main",
  keywords: "main",
  "image-search": "more",
  browsers: "main",
  "browser-versions": "more",
  os: "main",
  devices: "more",
  countries: "main",
  downloads: "main",
  feeds: "more",
  "feed-hosts": "more",
  robots: "main",
  status: "more",
  "not-found": "main",
};

const noteKey = (t: T, id: PanelId): MessageKey | null => {
  const k = `panel.${id}.note`;
  return Object.hasOwn(t.catalog, k) ? (k as MessageKey) : null;
};

export function MonthPage(p: MonthPageProps) {
  const { ctx, m } = p;
  const { t } = ctx;
  const base = `/sites/${m.site}`;
  const crumbs: Crumb[] = [
    { label: m.site, href: `${base}/` },
    { label: m.month.slice(0, 4), href: `${base}/${m.month.slice(0, 4)}` },
    { label: t.month(m.month) },
  ];
  const nav = (
    <>
      {m.prevMonth ? (
        <a href={`${base}/${m.prevMonth}`} rel="prev">
          ← {t.month(m.prevMonth)}
        </a>
      ) : (
        <span class="off" title={t("layout.prev")}>
          ←
        </span>
      )}
      {m.nextMonth ? (
        <a href={`${base}/${m.nextMonth}`} rel="next">
          {t.month(m.nextMonth)} →
        </a>
      ) : (
        <span class="off" title={t("layout.next")}>
          →
        </span>
      )}
    </>
  );
  const ids = PANELS.map((x) => x.id);
  return (
    <Layout
      ctx={ctx}
      title={t("month.title", { site: m.site, month: t.month(m.month) })}
      crumbs={crumbs}
      nav={nav}
    >
      <h1>
        {m.site} <small>{t.month(m.month)}</small>
      </h1>
      <p class="meta">
        {t("month.meta", {
          time: t.time(m.lastUpdate),
          lines: m.lines,
          duration: t.duration(m.analysisMs),
          rejected: m.rejected,
        })}
        {" · "}
        <a href={`/api/v1/sites/${m.site}/months/${m.month}`}>JSON</a>
      </p>
      {!m.hasData && <p class="notice">{t("month.noData", { month: t.month(m.month) })}</p>}
      <Tiles ctx={ctx} t={m} />

      <Days ctx={ctx} m={m} />

      <div class="grid">
        <section class="card" id="year">
          <h2>
            {m.year.year === new Date().toISOString().slice(0, 4)
              ? t("month.yearSoFar", { year: m.year.year })
              : t("month.yearDone", { year: m.year.year })}{" "}
            <small>
              · {t("month.yearSummary", { visitors: m.year.visitors, days: m.year.days })}
            </small>
          </h2>
          <MonthsOfYear
            ctx={ctx}
            id="recall"
            site={m.site}
            year={m.year.year}
            months={m.year.months}
            total={m.year}
            here={m.month}
            chart={false}
          />
          <p class="more">
            <a href={`${base}/${m.year.year}`}>{t("month.yearPage")} →</a>
          </p>
        </section>
        <Hours ctx={ctx} m={m} />
      </div>

      <div class="panels">
        {ids
          .filter((id) => PLACE[id] === "main")
          .map((id) => (
            <PanelCard ctx={ctx} m={m} id={id} />
          ))}
      </div>
      <h2 class="more-h">{t("month.more")}</h2>
      <div class="grid more">
        {ids
          .filter((id) => PLACE[id] === "more")
          .map((id) => (
            <PanelCard ctx={ctx} m={m} id={id} folded />
          ))}
      </div>

      <div class="grid">
        <Watched ctx={ctx} m={m} />
        <Analysis ctx={ctx} m={m} />
      </div>
    </Layout>
  );
}

/** A panel's card: its title (with its definition a click away), its top rows, a link to all of them. */
function PanelCard(p: { ctx: PageCtx; m: MonthJson; id: PanelId; folded?: boolean }) {
  const { ctx, m, id } = p;
  const { t } = ctx;
  const panel = m.panels[id];
  const note = noteKey(t, id);
  const base = `/sites/${m.site}/${m.month}/${id}`;
  const heading = (
    <h2>
      {panelTitle(t, id)} <Def ctx={ctx} id={PANEL_SPECS[id].def} />{" "}
      <small>
        · {t.plural(panel.total.rows, "month.rows")}
        {note ? ` · ${t(note)}` : ""}
      </small>
    </h2>
  );
  const body = (
    <>
      <PanelTable t={t} panel={panel} others />
      {(panel.total.rows > panel.rows.length || (id === "robots" && panel.total.rows > 1)) && (
        <p class="more">
          {panel.total.rows > panel.rows.length && (
            <a href={base}>{t("month.all", { n: panel.total.rows })} →</a>
          )}
          {id === "robots" && panel.total.rows > 1 && (
            <a href={`${base}?sort=bytes`}>{t("month.robotsByBytes")} →</a>
          )}
        </p>
      )}
    </>
  );
  if (p.folded)
    return (
      <details class="card" id={id}>
        <summary>{heading}</summary>
        {body}
      </details>
    );
  return (
    <section class="card" id={id}>
      {heading}
      {body}
    </section>
  );
}

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

function Days(p: { ctx: PageCtx; m: MonthJson }) {
  const { ctx, m } = p;
  const { t } = ctx;
  const byDate = new Map(m.days.map((d) => [d.date, d]));
  const gaps = new Set(m.gaps);
  const columns: Column[] = datesOf(m.month).map((date) => {
    const d = byDate.get(date);
    return {
      label: String(Number(date.slice(8))),
      title: t.dateLong(date),
      weekend: isWeekend(date),
      values: d ? [d.visitors, d.visits, d.pages, d.hits, d.bytes] : null,
      robots: d?.robotHits,
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
        series={monthSeries(t)}
        columns={columns}
        caption={t("chart.daysOf", { month: t.month(m.month) })}
        robotsIn={t("chart.ofWhichRobots")}
      />
      <div class="scroll">
        <table class="sortable" id="days-table">
          <thead>
            <tr>
              <SortTh label={t("col.day")} />
              <SortTh num label={t("col.visitors")} />
              <SortTh num label={t("col.visits")} />
              <SortTh num label={t("col.pages")} />
              <SortTh num label={t("col.hits")} />
              <SortTh num narrow label={t("col.bandwidth")} />
              <SortTh num narrow label={t("col.robotHits")} />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              if (Array.isArray(row))
                return (
                  <tr class="gap">
                    <td colspan={7} data-v={row[0]} title={t("days.gapTitle")}>
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
                  <td class="n" data-v={d.visitors}>
                    {t.int(d.visitors)}
                  </td>
                  <td class="n" data-v={d.visits}>
                    {t.int(d.visits)}
                  </td>
                  <td class="n" data-v={d.pages}>
                    {t.int(d.pages)}
                  </td>
                  <td class="n" data-v={d.hits}>
                    {t.int(d.hits)}
                  </td>
                  <td class="n hide-s" data-v={d.bytes}>
                    {t.bytes(d.bytes)}
                  </td>
                  <td class="n hide-s" data-v={d.robotHits}>
                    {t.int(d.robotHits)}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr class="avg">
              <td>{t("days.average")}</td>
              <td class="n">{t.int(avg((d) => d.visitors))}</td>
              <td class="n">{t.int(avg((d) => d.visits))}</td>
              <td class="n">{t.int(avg((d) => d.pages))}</td>
              <td class="n">{t.int(avg((d) => d.hits))}</td>
              <td class="n hide-s">{t.bytes(avg((d) => d.bytes))}</td>
              <td class="n hide-s">{t.int(avg((d) => d.robotHits))}</td>
            </tr>
            <tr>
              <td>{t("days.month")}</td>
              <td class="n" title={t("days.distinct")}>
                {t.int(m.visitors)}
              </td>
              <td class="n">{t.int(m.visits)}</td>
              <td class="n">{t.int(m.pages)}</td>
              <td class="n">{t.int(m.hits)}</td>
              <td class="n hide-s">{t.bytes(m.bytes)}</td>
              <td class="n hide-s">{t.int(m.robotHits)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

const hh = (h: number) => String(h).padStart(2, "0");

function Hours(p: { ctx: PageCtx; m: MonthJson }) {
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

function Watched(p: { ctx: PageCtx; m: MonthJson }) {
  const { t } = p.ctx;
  const trails = new Map<string, WatchedRow[]>();
  for (const w of p.m.watched) {
    const k = `${w.address}\u0000${w.agent}`;
    if (!trails.has(k)) trails.set(k, []);
    trails.get(k)!.push(w);
  }
  return (
    <section class="card" id="watched">
      <h2>
        {t("watched.title")} <small>· {t("watched.note")}</small>
      </h2>
      {trails.size === 0 && <p class="meta">{t("watched.none")}</p>}
      {[...trails.values()].map((hits) => (
        <details class="trail">
          <summary>
            <span class="mono">
              <Ext v={hits[0].address} />
            </span>{" "}
            · {hits[0].agent ? <Ext v={hits[0].agent} /> : t("watched.noAgent")} ·{" "}
            {t.plural(hits.length, "watched.hits")}
          </summary>
          <div class="scroll">
            <table class="sortable">
              <thead>
                <tr>
                  <SortTh label={t("col.time")} />
                  <SortTh label={t("col.request")} />
                  <SortTh num label={t("col.status")} />
                  <SortTh num label={t("col.bytes")} />
                  <SortTh narrow label={t("col.referer")} />
                </tr>
              </thead>
              <tbody>
                {hits.map((w) => {
                  const href = safeHref(w.referer);
                  return (
                    <tr>
                      <td class="mono" data-v={visibleBidi(w.at)}>
                        <Ext v={w.at} />
                      </td>
                      <td class="k mono">
                        <Ext v={w.method} /> <Ext v={w.url} />
                      </td>
                      <td class="n" data-v={w.status}>
                        {w.status}
                      </td>
                      <td class="n" data-v={w.bytes}>
                        {t.bytes(w.bytes)}
                      </td>
                      <td class="k hide-s">
                        {href ? (
                          <a href={href} rel="noopener noreferrer nofollow">
                            <Ext v={w.referer} />
                          </a>
                        ) : (
                          <Ext v={w.referer} />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </details>
      ))}
    </section>
  );
}

/** A rejected line's reason in the page's words when the core's reason is a known one. */
function reason(t: T, r: string) {
  const k = `reject.${r}`;
  return Object.hasOwn(t.catalog, k) ? t(k as MessageKey) : <Ext v={r} />;
}

function Analysis(p: { ctx: PageCtx; m: MonthJson }) {
  const { ctx, m } = p;
  const { t } = ctx;
  const run = m.lastRun;
  return (
    <section class="card" id="analysis">
      <h2>{t("analysis.title")}</h2>
      <dl class="facts">
        <dt>{t("analysis.lines")}</dt>
        <dd>{t.int(m.lines)}</dd>
        <dt>
          {t("analysis.rejected")} <Def ctx={ctx} id="rejected" />
        </dt>
        <dd>
          {t.int(m.rejected)} ({t.pct(m.rejected, m.lines)})
        </dd>
        <dt>{t("analysis.time")}</dt>
        <dd>{t.duration(m.analysisMs)}</dd>
        <dt>{t("analysis.lastUpdate")}</dt>
        <dd>{t.time(m.lastUpdate)}</dd>
        {run && (
          <>
            <dt>{t("analysis.lastRun")}</dt>
            <dd>
              {t("analysis.run", {
                start: t.time(run.startedAt),
                end: t.time(run.endedAt),
                chunks: run.chunks,
                lines: run.lines,
                rejected: run.rejected,
                duration: t.duration(run.analysisMs),
              })}
            </dd>
          </>
        )}
      </dl>
      {m.rejectedSamples.length > 0 && (
        <details class="samples">
          <summary>
            {t("analysis.samples")} <small>· {t("analysis.samplesNote")}</small>
          </summary>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>{t("col.source")}</th>
                  <th class="n">{t("col.line")}</th>
                  <th>{t("col.reason")}</th>
                  <th>{t("col.text")}</th>
                </tr>
              </thead>
              <tbody>
                {m.rejectedSamples.map((s) => (
                  <tr>
                    <td class="k mono">
                      <Ext v={s.source} />
                    </td>
                    <td class="n">{t.int(s.line)}</td>
                    <td>{reason(t, s.reason)}</td>
                    <td class="k mono">
                      <Ext v={s.text} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
