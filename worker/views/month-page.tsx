import type { PanelId } from "../core/panels";
import type { WatchedRow } from "../db/queries/get-month-report";
import type { MonthJson } from "../routes/reports-model";
import type { Column } from "./charts";
import { BarChart } from "./charts";
import { MONTH_SERIES, MonthsOfYear, Tiles } from "./figures";
import {
  datesOf,
  fmtBytes,
  fmtDuration,
  fmtInt,
  fmtPct,
  fmtTime,
  isWeekend,
  monthTitle,
  safeHref,
  weekdayName,
} from "./format";
import type { Crumb } from "./layout";
import { Layout } from "./layout";
import { PanelTable } from "./panel-table";
import { SortTh } from "./sort-th";

export interface MonthPageProps {
  m: MonthJson;
  logout?: string;
  /** Rows per panel on this page. */
  top: number;
}

/** The panels of the month page in reading order, two per row on a wide screen. */
const PANEL_ORDER: PanelId[][] = [
  ["pages", "entry"],
  ["referring-sites", "referers"],
  ["search-engines", "keywords"],
  ["downloads", "not-found"],
  ["browsers", "os"],
  ["browser-versions", "devices"],
  ["countries", "status"],
  ["feeds", "feed-hosts"],
  ["robots", "image-search"],
];

const PANEL_NOTES: Partial<Record<PanelId, string>> = {
  keywords: "highlighted: new or grown since the previous analysis",
  downloads: "highlighted: new or grown since the previous analysis",
  feeds: "subscribers as the reader states them",
  robots: "crawlers named by their user agent",
  entry: "first page of each visit",
  "image-search": "pages and images people reached from an image search",
};

export function MonthPage(p: MonthPageProps) {
  const m = p.m;
  const base = `/sites/${m.site}`;
  const crumbs: Crumb[] = [
    { label: m.site, href: `${base}/` },
    { label: m.month.slice(0, 4), href: `${base}/${m.month.slice(0, 4)}` },
    { label: monthTitle(m.month) },
  ];
  const nav = (
    <>
      {m.prevMonth ? (
        <a href={`${base}/${m.prevMonth}`} rel="prev">
          ← {monthTitle(m.prevMonth)}
        </a>
      ) : (
        <span class="off">←</span>
      )}
      {m.nextMonth ? (
        <a href={`${base}/${m.nextMonth}`} rel="next">
          {monthTitle(m.nextMonth)} →
        </a>
      ) : (
        <span class="off">→</span>
      )}
    </>
  );
  return (
    <Layout
      title={`${m.site} — ${monthTitle(m.month)} — Vigie`}
      crumbs={crumbs}
      nav={nav}
      logout={p.logout}
    >
      <h1>
        {m.site} <small>{monthTitle(m.month)}</small>
      </h1>
      <p class="meta">
        Last update {fmtTime(m.lastUpdate)} · {fmtInt(m.lines)} lines analysed in{" "}
        {fmtDuration(m.analysisMs)} · {fmtInt(m.rejected)} rejected
        {" · "}
        <a href={`/api/v1/sites/${m.site}/months/${m.month}`}>JSON</a>
      </p>
      {!m.hasData && <p class="notice">No data for {monthTitle(m.month)}.</p>}
      <Tiles t={m} />

      <section class="card" id="year">
        <h2>
          {m.year.year === new Date().toISOString().slice(0, 4)
            ? `${m.year.year} so far`
            : `The year ${m.year.year}`}{" "}
          <small>
            · {fmtInt(m.year.visitors)} unique visitors over the year, {fmtInt(m.year.days)} days
            with data
          </small>
        </h2>
        <MonthsOfYear
          id="recall"
          site={m.site}
          year={m.year.year}
          months={m.year.months}
          total={m.year}
          here={m.month}
        />
      </section>

      <Days m={m} />
      <Hours m={m} />

      {PANEL_ORDER.map((pair) => (
        <div class="grid">
          {pair.map((id) => {
            const panel = m.panels[id];
            return (
              <section class="card" id={id}>
                <h2>
                  {panel.title}{" "}
                  <small>
                    · {fmtInt(panel.total.rows)} {panel.total.rows === 1 ? "row" : "rows"}
                    {PANEL_NOTES[id] ? ` · ${PANEL_NOTES[id]}` : ""}
                  </small>
                </h2>
                <PanelTable panel={panel} others />
                {panel.total.rows > panel.rows.length && (
                  <p class="more">
                    <a href={`${base}/${m.month}/${id}`}>
                      All {fmtInt(panel.total.rows)} {panel.title.toLowerCase()} →
                    </a>
                  </p>
                )}
              </section>
            );
          })}
        </div>
      ))}

      <Watched m={m} />
      <Analysis m={m} />
    </Layout>
  );
}

function Days(p: { m: MonthJson }) {
  const m = p.m;
  const byDate = new Map(m.days.map((d) => [d.date, d]));
  const gaps = new Set(m.gaps);
  const columns: Column[] = datesOf(m.month).map((date) => {
    const d = byDate.get(date);
    return {
      label: String(Number(date.slice(8))),
      title: `${weekdayName(date)} ${date}`,
      weekend: isWeekend(date),
      values: d ? [d.visitors, d.visits, d.pages, d.hits, d.bytes] : null,
      robots: d?.robotHits,
      blank: !d && !gaps.has(date),
    };
  });
  // Rows: every day from the first with data or the first gap, to the last one.
  const dates = datesOf(m.month).filter((date) => byDate.has(date) || gaps.has(date));
  const n = m.days.length;
  const avg = (f: (d: (typeof m.days)[number]) => number) =>
    n ? m.days.reduce((s, d) => s + f(d), 0) / n : 0;
  return (
    <section class="card" id="days">
      <h2>
        Days{" "}
        <small>
          · {fmtInt(n)} with data{m.gaps.length ? `, ${m.gaps.length} without any (gaps)` : ""}
        </small>
      </h2>
      <BarChart
        id="days"
        series={MONTH_SERIES}
        columns={columns}
        caption={`Days of ${monthTitle(m.month)}`}
        robotsIn="of which robots"
      />
      <div class="scroll">
        <table class="sortable" id="days-table">
          <thead>
            <tr>
              <SortTh label="Day" />
              <SortTh num label="Visitors" />
              <SortTh num label="Visits" />
              <SortTh num label="Pages" />
              <SortTh num label="Hits" />
              <SortTh num narrow label="Bandwidth" />
              <SortTh num narrow label="Robot hits" />
            </tr>
          </thead>
          <tbody>
            {dates.map((date) => {
              const d = byDate.get(date);
              if (!d)
                return (
                  <tr class="gap">
                    <td data-v={date}>
                      {weekdayName(date)} {date.slice(8)}
                    </td>
                    <td
                      colspan={6}
                      title="no line at all for this day: the logs or the agent stopped"
                    >
                      no data (gap)
                    </td>
                  </tr>
                );
              return (
                <tr class={isWeekend(date) ? "we" : undefined}>
                  <td data-v={date}>
                    {weekdayName(date)} {date.slice(8)}
                  </td>
                  <td class="n" data-v={d.visitors}>
                    {fmtInt(d.visitors)}
                  </td>
                  <td class="n" data-v={d.visits}>
                    {fmtInt(d.visits)}
                  </td>
                  <td class="n" data-v={d.pages}>
                    {fmtInt(d.pages)}
                  </td>
                  <td class="n" data-v={d.hits}>
                    {fmtInt(d.hits)}
                  </td>
                  <td class="n hide-s" data-v={d.bytes}>
                    {fmtBytes(d.bytes)}
                  </td>
                  <td class="n hide-s" data-v={d.robotHits}>
                    {fmtInt(d.robotHits)}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr class="avg">
              <td>Average</td>
              <td class="n">{fmtInt(avg((d) => d.visitors))}</td>
              <td class="n">{fmtInt(avg((d) => d.visits))}</td>
              <td class="n">{fmtInt(avg((d) => d.pages))}</td>
              <td class="n">{fmtInt(avg((d) => d.hits))}</td>
              <td class="n hide-s">{fmtBytes(avg((d) => d.bytes))}</td>
              <td class="n hide-s">{fmtInt(avg((d) => d.robotHits))}</td>
            </tr>
            <tr>
              <td>Month</td>
              <td class="n" title="distinct over the month, not a sum of days">
                {fmtInt(m.visitors)}
              </td>
              <td class="n">{fmtInt(m.visits)}</td>
              <td class="n">{fmtInt(m.pages)}</td>
              <td class="n">{fmtInt(m.hits)}</td>
              <td class="n hide-s">{fmtBytes(m.bytes)}</td>
              <td class="n hide-s">{fmtInt(m.robotHits)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function Hours(p: { m: MonthJson }) {
  const hours = p.m.hours;
  const columns: Column[] = hours.map((h) => ({
    label: String(h.hour),
    title: `${String(h.hour).padStart(2, "0")}:00–${String(h.hour).padStart(2, "0")}:59`,
    values: [h.visitors, h.visits, h.pages, h.hits, h.bytes],
    robots: h.robotHits,
  }));
  return (
    <section class="card" id="hours">
      <h2>
        Hours of the day <small>· the log's local time</small>
      </h2>
      <BarChart
        id="hours"
        series={[
          MONTH_SERIES[0],
          { name: "Visits started", cls: "visits" },
          MONTH_SERIES[2],
          MONTH_SERIES[3],
          MONTH_SERIES[4],
        ]}
        columns={columns}
        caption="Hours of the day"
        robotsIn="of which robots"
      />
      <details>
        <summary>Table</summary>
        <div class="scroll">
          <table class="sortable" id="hours-table">
            <thead>
              <tr>
                <SortTh num label="Hour" />
                <SortTh num label="Visitors" />
                <SortTh num label="Visits" />
                <SortTh num label="Pages" />
                <SortTh num label="Hits" />
                <SortTh num label="Bandwidth" />
                <SortTh num narrow label="Robot hits" />
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr>
                  <td class="n" data-v={h.hour}>
                    {String(h.hour).padStart(2, "0")}h
                  </td>
                  <td class="n" data-v={h.visitors}>
                    {fmtInt(h.visitors)}
                  </td>
                  <td class="n" data-v={h.visits}>
                    {fmtInt(h.visits)}
                  </td>
                  <td class="n" data-v={h.pages}>
                    {fmtInt(h.pages)}
                  </td>
                  <td class="n" data-v={h.hits}>
                    {fmtInt(h.hits)}
                  </td>
                  <td class="n" data-v={h.bytes}>
                    {fmtBytes(h.bytes)}
                  </td>
                  <td class="n hide-s" data-v={h.robotHits}>
                    {fmtInt(h.robotHits)}
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

function Watched(p: { m: MonthJson }) {
  const trails = new Map<string, WatchedRow[]>();
  for (const w of p.m.watched) {
    const k = `${w.address}\u0000${w.agent}`;
    if (!trails.has(k)) trails.set(k, []);
    trails.get(k)!.push(w);
  }
  return (
    <section class="card" id="watched">
      <h2>
        Watched visitors{" "}
        <small>· every hit of the addresses and agents the site's configuration watches</small>
      </h2>
      {trails.size === 0 && <p class="meta">No watched visitor this month.</p>}
      {[...trails.values()].map((hits) => (
        <details class="trail">
          <summary>
            <span class="mono">{hits[0].address}</span> · {hits[0].agent || "(no user agent)"} ·{" "}
            {fmtInt(hits.length)} {hits.length === 1 ? "hit" : "hits"}
          </summary>
          <div class="scroll">
            <table class="sortable">
              <thead>
                <tr>
                  <SortTh label="Time" />
                  <SortTh label="Request" />
                  <SortTh num label="Status" />
                  <SortTh num label="Bytes" />
                  <SortTh narrow label="Referer" />
                </tr>
              </thead>
              <tbody>
                {hits.map((w) => {
                  const href = safeHref(w.referer);
                  return (
                    <tr>
                      <td class="mono" data-v={w.at}>
                        {w.at}
                      </td>
                      <td class="k mono">
                        {w.method} {w.url}
                      </td>
                      <td class="n" data-v={w.status}>
                        {w.status}
                      </td>
                      <td class="n" data-v={w.bytes}>
                        {fmtBytes(w.bytes)}
                      </td>
                      <td class="k hide-s">
                        {href ? (
                          <a href={href} rel="noopener noreferrer nofollow">
                            {w.referer}
                          </a>
                        ) : (
                          w.referer
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

function Analysis(p: { m: MonthJson }) {
  const m = p.m;
  const run = m.lastRun;
  return (
    <section class="card" id="analysis">
      <h2>Analysis</h2>
      <dl class="facts">
        <dt>Lines analysed this month</dt>
        <dd>{fmtInt(m.lines)}</dd>
        <dt>Rejected lines</dt>
        <dd>
          {fmtInt(m.rejected)} ({fmtPct(m.rejected, m.lines)})
        </dd>
        <dt>Analysis time (all chunks of the month)</dt>
        <dd>{fmtDuration(m.analysisMs)}</dd>
        <dt>Last update</dt>
        <dd>{fmtTime(m.lastUpdate)}</dd>
        {run && (
          <>
            <dt>Last run</dt>
            <dd>
              {fmtTime(run.startedAt)} → {fmtTime(run.endedAt)} · {fmtInt(run.chunks)} chunks ·{" "}
              {fmtInt(run.lines)} lines · {fmtInt(run.rejected)} rejected · analysed in{" "}
              {fmtDuration(run.analysisMs)}
            </dd>
          </>
        )}
      </dl>
      {m.rejectedSamples.length > 0 && (
        <>
          <h2 class="sub-h">
            Rejected lines of the last run <small>· samples</small>
          </h2>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>Source</th>
                  <th class="n">Line</th>
                  <th>Reason</th>
                  <th>Text</th>
                </tr>
              </thead>
              <tbody>
                {m.rejectedSamples.map((s) => (
                  <tr>
                    <td class="k mono">{s.source}</td>
                    <td class="n">{fmtInt(s.line)}</td>
                    <td>{s.reason}</td>
                    <td class="k mono">{s.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
