import type { ShownPanelId } from "../core/panels";
import { SHOWN_PANELS } from "../core/panels";
import type { MessageKey } from "../i18n/en";
import type { T } from "../i18n/translator";
import type { MonthJson } from "../routes/reports-model";
import { MonthsOfYear, Tiles } from "./figures";
import { Def } from "./glossary-page";
import type { Crumb } from "./layout";
import { Ext } from "./ext";
import { Days, Hours } from "./month-days";
import { Analysis, Watched } from "./month-trails";
import { Layout } from "./layout";
import type { PageCtx } from "./page-context";
import { PanelTable, PANEL_SPECS, panelTitle } from "./panel-table";

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
const PLACE: Record<ShownPanelId, "main" | "more"> = {
  pages: "main",
  entry: "main",
  exit: "more",
  "visit-durations": "more",
  weekdays: "main",
  vhosts: "main",
  origins: "main",
  referers: "more",
  "referring-sites": "main",
  "search-engines": "main",
  keywords: "main",
  "image-search": "more",
  browsers: "main",
  "browser-versions": "more",
  os: "main",
  devices: "more",
  countries: "main",
  hosts: "more",
  "ip-versions": "more",
  downloads: "main",
  feeds: "more",
  "feed-hosts": "more",
  robots: "main",
  status: "more",
  "not-found": "main",
};

const noteKey = (t: T, id: ShownPanelId): MessageKey | null => {
  const k = `panel.${id}.note`;
  return Object.hasOwn(t.catalog, k) ? (k as MessageKey) : null;
};

/** The query of a month filtered by a virtual host (a stranger's text: encoded). */
const vhostQuery = (host: string) => `?vhost=${encodeURIComponent(host)}`;

export function MonthPage(p: MonthPageProps) {
  const { ctx, m } = p;
  const { t } = ctx;
  const base = `/sites/${m.site}`;
  // Filtered by a virtual host: the links to other months keep the filter.
  const q = m.vhost ? vhostQuery(m.vhost.name) : "";
  const crumbs: Crumb[] = [
    { label: m.site, href: `${base}/` },
    { label: m.month.slice(0, 4), href: `${base}/${m.month.slice(0, 4)}` },
    { label: t.month(m.month) },
  ];
  const nav = (
    <>
      {m.prevMonth ? (
        <a href={`${base}/${m.prevMonth}${q}`} rel="prev">
          ← {t.month(m.prevMonth)}
        </a>
      ) : (
        <span class="off" title={t("layout.prev")}>
          ←
        </span>
      )}
      {m.nextMonth ? (
        <a href={`${base}/${m.nextMonth}${q}`} rel="next">
          {t.month(m.nextMonth)} →
        </a>
      ) : (
        <span class="off" title={t("layout.next")}>
          →
        </span>
      )}
    </>
  );
  // The vhosts panel only for logs that name a virtual host.
  const ids = SHOWN_PANELS.map((x) => x.id).filter(
    (id) => id !== "vhosts" || m.panels.vhosts.total.rows > 0,
  );
  return (
    <Layout
      ctx={ctx}
      title={t("month.title", { site: m.site, month: t.month(m.month) })}
      crumbs={crumbs}
      nav={nav}
    >
      <h1>
        {m.site} <small>{t.month(m.month)}</small>
        {m.vhost && (
          <small>
            {" · "}
            <Ext v={m.vhost.name} />
          </small>
        )}
      </h1>
      <p class="meta">
        {t("month.meta", {
          time: t.time(m.lastUpdate),
          lines: m.lines,
          duration: t.duration(m.analysisMs),
          rejected: m.rejected,
        })}
        {" · "}
        <a href={`/api/v1/sites/${m.site}/months/${m.month}${q}`}>JSON</a>
      </p>
      {m.vhost && (
        <p class="notice" id="vhost">
          {t("month.vhost.label")} <Ext v={m.vhost.name} /> — {t("month.vhost.split")}{" "}
          <a href={`${base}/${m.month}`}>{t("month.vhost.all")}</a>
        </p>
      )}
      {!m.hasData && <p class="notice">{t("month.noData", { month: t.month(m.month) })}</p>}
      <Tiles ctx={ctx} t={m} split={m.vhost !== null} />

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

/**
 * The line under a panel that says how its total meets the month's: the hits in it from visitors
 * found to be robots by their behaviour (a per-line panel keeps them, see docs/figures.md), or for
 * the robots panel, the robots it cannot name.
 */
function Reconcile(p: { ctx: PageCtx; m: MonthJson; id: ShownPanelId }) {
  const { t } = p.ctx;
  const total = p.m.panels[p.id].total;
  if (p.id === "robots") {
    const behaviour = p.m.robotHits - total.hits;
    if (behaviour <= 0) return null;
    return (
      <p class="meta reconcile">
        {t("month.reconcileRobots", {
          named: t.int(total.hits),
          behaviour: t.int(behaviour),
          all: t.int(p.m.robotHits),
        })}{" "}
        <Def ctx={p.ctx} id="robot-behaviour" />
      </p>
    );
  }
  const b = total.behaviourRobotHits;
  if (b === null || b <= 0) return null;
  return (
    <p class="meta reconcile">
      {t("month.reconcile", { robots: t.int(b), people: t.int(total.hits - b) })}{" "}
      <Def ctx={p.ctx} id="robot-behaviour" />
    </p>
  );
}

/** A panel's card: its title (with its definition a click away), its top rows, a link to all of them. */
function PanelCard(p: { ctx: PageCtx; m: MonthJson; id: ShownPanelId; folded?: boolean }) {
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
      <PanelTable
        t={t}
        panel={panel}
        others
        keyHref={
          id === "vhosts" ? (host) => `/sites/${m.site}/${m.month}${vhostQuery(host)}` : undefined
        }
      />
      <Reconcile ctx={ctx} m={m} id={id} />
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
