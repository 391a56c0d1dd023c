/**
 * Inline SVG charts: no script, no style attribute (CSP), classes styled by vigie.css. Each series
 * is scaled to its own maximum, as AWStats and IWLA draw them, so the shapes of visitors and hits
 * can be read side by side. A column with no data at all is hatched and labelled, never drawn as zero.
 */
import type { T } from "../i18n/translator";

export interface Series {
  name: string;
  cls: string;
  bytes?: boolean;
}

export interface Column {
  label: string;
  /** Full label for the tooltip. */
  title: string;
  /** One value per series, or null when the column has no data at all (a gap). */
  values: number[] | null;
  /** Part of the hits series drawn in the robots colour (robot hits inside hits). */
  robots?: number;
  weekend?: boolean;
  /** No data, and not a gap either (before the site's first day, or not over yet). */
  blank?: boolean;
  href?: string;
}

/** The drawing's default width in user units: the chart scales to the page, its text stays readable. */
const WIDTH = 1000;
const H = 150;
const TOP = 6;
const LABEL = 18;

export function BarChart(p: {
  t: T;
  id: string;
  /** The drawing's width in user units (1000 by default): less for a chart in half a page. */
  width?: number;
  series: Series[];
  columns: Column[];
  caption: string;
  robotsIn?: string;
}) {
  const W = p.width ?? WIDTH;
  const n = p.series.length;
  const groupW = W / Math.max(1, p.columns.length);
  const pad = Math.max(2, groupW * 0.22);
  const barW = (groupW - pad) / n;
  const max = p.series.map((_, i) =>
    Math.max(1, ...p.columns.map((c) => (c.values ? c.values[i] : 0))),
  );
  const y = (v: number, i: number) => (H * v) / max[i];
  const t = p.t;
  return (
    <figure class="chart-box">
      <svg
        class={`chart${W < WIDTH ? " half" : ""}`}
        viewBox={`0 0 ${W} ${H + TOP + LABEL}`}
        role="img"
        aria-label={p.caption}
      >
        <defs>
          <pattern
            id={`${p.id}-hatch`}
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect class="gap" width="2" height="6" />
          </pattern>
        </defs>
        <line class="axis" x1="0" x2={W} y1={H + TOP + 0.5} y2={H + TOP + 0.5} />
        {p.columns.map((c, k) => {
          const x0 = k * groupW + pad / 2;
          const tip =
            c.values === null
              ? `${t("chart.noData", { label: c.title })}${c.blank ? "" : t("chart.gapSuffix")}`
              : `${c.title}: ${p.series.map((s, i) => `${s.bytes ? t.bytes(c.values![i]) : t.int(c.values![i])} ${s.name.toLocaleLowerCase(t.locale)}`).join(", ")}${c.robots ? ` ${t("chart.byRobots", { n: c.robots })}` : ""}`;
          const labelCls = c.values === null || c.blank ? "off" : c.weekend ? "we" : undefined;
          return (
            <g class="grp">
              <title>{tip}</title>
              {c.values === null && !c.blank && (
                <rect
                  x={x0}
                  y={TOP}
                  width={groupW - pad}
                  height={H}
                  fill={`url(#${p.id}-hatch)`}
                  class="gapband"
                />
              )}
              {c.values !== null &&
                p.series.map((s, i) => {
                  const v = c.values![i];
                  const h = y(v, i);
                  const robotsH = s.cls === "hits" && c.robots ? y(c.robots, i) : 0;
                  return (
                    <>
                      <rect
                        class={s.cls}
                        x={r2(x0 + i * barW)}
                        y={r2(TOP + H - h)}
                        width={r2(barW * 0.9)}
                        height={r2(h)}
                      />
                      {robotsH > 0 && (
                        <rect
                          class="robots"
                          x={r2(x0 + i * barW)}
                          y={r2(TOP + H - robotsH)}
                          width={r2(barW * 0.9)}
                          height={r2(robotsH)}
                        />
                      )}
                    </>
                  );
                })}
              <text
                class={labelCls}
                x={r2(k * groupW + groupW / 2)}
                y={H + TOP + 14}
                text-anchor="middle"
              >
                {c.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        {p.series.map((s) => (
          <span>
            <i class={s.cls}></i>
            {s.name}
          </span>
        ))}
        {p.robotsIn && (
          <span>
            <i class="robots"></i>
            {p.robotsIn}
          </span>
        )}
        {p.columns.some((c) => c.values === null && !c.blank) && (
          <span>
            <i class="gapkey"></i>
            {t("chart.gap")}
          </span>
        )}
        <span>{t("chart.scaled")}</span>
      </figcaption>
    </figure>
  );
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** A year as a calendar of days (weeks in columns), shaded by visits; gaps hatched. */
export function YearCalendar(p: {
  t: T;
  year: string;
  visits: Map<string, number>;
  gaps: Set<string>;
}) {
  const t = p.t;
  const start = Date.UTC(Number(p.year), 0, 1);
  const offset = (new Date(start).getUTCDay() + 6) % 7; // weeks start on Monday
  const days = (Date.UTC(Number(p.year) + 1, 0, 1) - start) / 86_400_000;
  const max = Math.max(1, ...p.visits.values());
  const cell = 11;
  const left = 24;
  const top = 14;
  const cells = [];
  const monthLabels = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    const slot = d + offset;
    const x = left + Math.floor(slot / 7) * cell;
    const yy = top + (slot % 7) * cell;
    const v = p.visits.get(date);
    const gap = p.gaps.has(date);
    const level =
      v === undefined ? "" : v === 0 ? "" : `l${Math.min(4, 1 + Math.floor((4 * v) / (max + 1)))}`;
    cells.push(
      <rect
        x={x}
        y={yy}
        width={cell - 2}
        height={cell - 2}
        rx="2"
        class={gap ? "gapday" : level || undefined}
      >
        <title>
          {gap
            ? t("cal.noData", { date: t.dateLong(date) })
            : v === undefined
              ? `${t.dateLong(date)}: –`
              : t("cal.visits", { date: t.dateLong(date), n: v })}
        </title>
      </rect>,
    );
    if (date.endsWith("-01"))
      monthLabels.push(
        <text x={x} y={top - 4}>
          {t.monthShort(date.slice(0, 7))}
        </text>,
      );
  }
  const width = left + Math.ceil((days + offset) / 7) * cell + 4;
  return (
    <svg
      class="chart cal"
      viewBox={`0 0 ${width} ${top + 7 * cell + 4}`}
      role="img"
      aria-label={t("cal.label", { year: p.year })}
    >
      <defs>
        <pattern
          id="cal-hatch"
          width="3"
          height="3"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="1.2" height="3" />
        </pattern>
      </defs>
      <text x="0" y={top + 8}>
        {t.weekdayShort(1)}
      </text>
      <text x="0" y={top + 4 * cell + 8}>
        {t.weekdayShort(5)}
      </text>
      {monthLabels}
      {cells}
    </svg>
  );
}
