/**
 * A panel as a sortable table: what each panel's columns are, the key cell (a stranger's text,
 * isolated; a link only for http(s) referers), a bar of each row's share, and what the last
 * analysis changed.
 */
import type { ShownPanelId } from "../core/panels";
import type { MessageKey } from "../i18n/en";
import type { T } from "../i18n/translator";
import type { PanelJson, PanelRowJson } from "../routes/reports-model";
import { Ext } from "./ext";
import { safeHref, visibleBidi } from "./format";
import type { GlossaryId } from "./glossary-page";
import { SortTh } from "./sort-th";

type Measure = "hits" | "pages" | "bytes" | "max";

interface PanelSpec {
  /** The measure the bar and the share are of. */
  main: "hits" | "pages";
  /** Its column's label; "Hits" by default. */
  mainLabel?: MessageKey;
  /** More columns; bandwidth hides on a phone's width unless `keep`. */
  extra: { m: Measure; label: MessageKey; keep?: boolean }[];
  /** Show what the month's last analysis run changed (IWLA's "differences since last analysis"). */
  changes?: boolean;
  /**
   * How the key shows: a path, a referer (a link when http(s)), a country, a status, a host, a
   * virtual host (a link to the month filtered by it, when the table is given `keyHref`).
   */
  keyKind?: "path" | "referer" | "country" | "status" | "host" | "vhost";
  /** Keys the core itself makes ("Other", "(not provided)"…), shown in the page's words. */
  fixedKeys?: readonly string[];
  /** The glossary entry of what the panel counts. */
  def: GlossaryId;
}

const BYTES = { m: "bytes", label: "col.bandwidth" } as const;
const PAGES = { m: "pages", label: "col.pages" } as const;
const HUMAN = [PAGES, BYTES];
const AGENT_KEYS = ["Other", "Unknown"];

/** Every panel of the registry (worker/core/panels.ts): a new panel fails to compile until it has a row here. */
export const PANEL_SPECS: Record<ShownPanelId, PanelSpec> = {
  pages: {
    main: "pages",
    mainLabel: "panel.pages.main",
    extra: [BYTES],
    keyKind: "path",
    def: "page",
  },
  entry: { main: "pages", mainLabel: "panel.entry.main", extra: [], keyKind: "path", def: "entry" },
  exit: { main: "pages", mainLabel: "panel.exit.main", extra: [], keyKind: "path", def: "entry" },
  "visit-durations": {
    main: "hits",
    mainLabel: "panel.visit-durations.main",
    extra: [],
    fixedKeys: ["0-30s", "30s-2m", "2-5m", "5-15m", "15-30m", "30m-1h", "1h+"],
    def: "visit",
  },
  weekdays: {
    main: "hits",
    mainLabel: "panel.weekdays.main",
    extra: HUMAN,
    fixedKeys: ["1", "2", "3", "4", "5", "6", "7"],
    def: "hit",
  },
  vhosts: { main: "hits", extra: HUMAN, keyKind: "vhost", def: "hit" },
  origins: {
    main: "hits",
    extra: HUMAN,
    fixedKeys: ["direct", "internal", "search", "other site"],
    def: "referer",
  },
  referers: { main: "hits", extra: [PAGES], keyKind: "referer", def: "referer" },
  "referring-sites": {
    main: "hits",
    extra: [PAGES],
    fixedKeys: ["(not a web address)"],
    def: "referer",
  },
  "search-engines": { main: "hits", extra: [PAGES], def: "keyword" },
  keywords: {
    main: "hits",
    extra: [PAGES],
    changes: true,
    fixedKeys: ["(not provided)"],
    def: "keyword",
  },
  "image-search": {
    main: "hits",
    extra: [{ m: "pages", label: "panel.image-search.pages" }, BYTES],
    keyKind: "path",
    def: "image-search",
  },
  browsers: { main: "hits", extra: HUMAN, fixedKeys: AGENT_KEYS, def: "robot-agent" },
  "browser-versions": { main: "hits", extra: HUMAN, fixedKeys: AGENT_KEYS, def: "robot-agent" },
  os: { main: "hits", extra: HUMAN, fixedKeys: AGENT_KEYS, def: "robot-agent" },
  devices: {
    main: "hits",
    extra: HUMAN,
    fixedKeys: ["desktop", "mobile", "tablet", "robot", "other"],
    def: "robot-agent",
  },
  countries: { main: "hits", extra: HUMAN, keyKind: "country", def: "country" },
  hosts: { main: "hits", extra: HUMAN, keyKind: "host", def: "visitor" },
  "ip-versions": {
    main: "hits",
    extra: HUMAN,
    fixedKeys: ["IPv4", "IPv6", "host name"],
    def: "visitor",
  },
  downloads: {
    main: "hits",
    mainLabel: "panel.downloads.main",
    extra: [BYTES],
    changes: true,
    keyKind: "path",
    def: "download",
  },
  feeds: {
    main: "hits",
    extra: [{ m: "max", label: "panel.feeds.max" }, BYTES],
    def: "feed",
  },
  "feed-hosts": { main: "hits", extra: [BYTES], keyKind: "host", def: "feed" },
  robots: {
    main: "hits",
    extra: [{ ...BYTES, keep: true }],
    fixedKeys: ["Other robot"],
    def: "robot",
  },
  status: { main: "hits", extra: [BYTES], keyKind: "status", def: "hit" },
  "not-found": { main: "hits", extra: [], keyKind: "path", def: "hit" },
};

/** A panel's title in the page's language. */
export const panelTitle = (t: T, id: ShownPanelId) => t(`panel.${id}.title`);

function KeyCell(p: {
  t: T;
  panel: ShownPanelId;
  row: PanelRowJson;
  keyHref?: (key: string) => string;
}) {
  const { t } = p;
  const k = p.row.key;
  const spec = PANEL_SPECS[p.panel];
  const fixed = spec.fixedKeys?.includes(k) ? t.fixedKey(k) : null;
  if (fixed !== null) return <span class="key">{fixed}</span>;
  switch (spec.keyKind) {
    case "referer": {
      const href = safeHref(k);
      return href ? (
        <a class="key" href={href} rel="noopener noreferrer nofollow">
          <Ext v={k} />
        </a>
      ) : (
        <span class="key">
          <Ext v={k} />
        </span>
      );
    }
    case "country":
      return (
        <span class="key">
          <span class="code">
            <Ext v={k} />
          </span>{" "}
          {t.country(k)}
        </span>
      );
    case "status":
      return (
        <span class="key">
          <span class="mono">
            <Ext v={k} />
          </span>{" "}
          {t.status(k)}
        </span>
      );
    case "host":
      return p.row.hostName ? (
        <span class="key">
          <Ext v={p.row.hostName} />
          <span class="sub mono">
            <Ext v={k} />
          </span>
        </span>
      ) : (
        <span class="key">
          <Ext v={k} />
        </span>
      );
    case "vhost":
      return p.keyHref ? (
        <a class="key" href={p.keyHref(k)}>
          <Ext v={k} />
        </a>
      ) : (
        <span class="key">
          <Ext v={k} />
        </span>
      );
    case "path":
      return (
        <span class="key mono">
          <Ext v={k} />
        </span>
      );
    default:
      return (
        <span class="key">
          <Ext v={k} />
        </span>
      );
  }
}

function Change(p: { t: T; row: PanelRowJson }) {
  const ch = p.row.change;
  if (!ch) return null;
  return ch.new ? (
    <span class="badge">{p.t("table.new")}</span>
  ) : (
    <span class="badge">+{p.t.int(ch.delta)}</span>
  );
}

/**
 * The table of a panel's rows; `others` adds a footer with what the listed rows leave out (the
 * month page shows the top rows only), and `offset` numbers rows after earlier pages. `scale`:
 * the value of a full bar (the panel's largest, on pages past the first); by default the largest
 * row shown. `keyHref`: where a key links to, for the panels whose keys are links of this site's
 * (virtual hosts).
 */
export function PanelTable(p: {
  t: T;
  panel: PanelJson;
  keyHref?: (key: string) => string;
  offset?: number;
  others?: boolean;
  rank?: boolean;
  scale?: { hits: number; pages: number };
}) {
  const { t } = p;
  const id = p.panel.id;
  const spec = PANEL_SPECS[id];
  const total = p.panel.total;
  const whole = total[spec.main];
  const top = Math.max(
    1,
    p.scale ? p.scale[spec.main] : 0,
    ...p.panel.rows.map((r) => r[spec.main]),
  );
  const shown = { hits: 0, pages: 0, bytes: 0 };
  for (const r of p.panel.rows) {
    shown.hits += r.hits;
    shown.pages += r.pages;
    shown.bytes += r.bytes;
  }
  const restRows = total.rows - (p.offset ?? 0) - p.panel.rows.length;
  const changes = spec.changes === true && p.panel.rows.some((r) => r.change);
  const fmt = (m: Measure, v: number) => (m === "bytes" ? t.bytes(v) : t.int(v));
  const narrow = (e: PanelSpec["extra"][number]) => e.m === "bytes" && !e.keep;
  if (p.panel.rows.length === 0) return <p class="meta">{t("table.nothing")}</p>;
  return (
    <div class="scroll">
      <table class="sortable" data-panel={id}>
        <thead>
          <tr>
            {p.rank && <SortTh num narrow label={t("col.rank")} />}
            <SortTh label={t(`panel.${id}.key`)} />
            <SortTh num label={t(spec.mainLabel ?? "col.hits")} />
            <SortTh num label={t("col.pct")} />
            {spec.extra.map((e) => (
              <SortTh num narrow={narrow(e)} label={t(e.label)} />
            ))}
            {changes && <SortTh num label={t("col.change")} title={t("col.change.title")} />}
          </tr>
        </thead>
        <tbody>
          {p.panel.rows.map((r, i) => (
            <tr class={spec.changes && r.change ? "changed" : undefined}>
              {p.rank && (
                <td class="n hide-s" data-v={(p.offset ?? 0) + i + 1}>
                  {t.int((p.offset ?? 0) + i + 1)}
                </td>
              )}
              <td class="k" data-v={visibleBidi(r.key)} title={visibleBidi(r.key)}>
                <KeyCell t={t} panel={id} row={r} keyHref={p.keyHref} />
                <svg
                  class={`bar${spec.main === "hits" ? " hits" : ""}`}
                  viewBox="0 0 100 5"
                  preserveAspectRatio="none"
                  aria-hidden="true"
                >
                  <rect width={((100 * r[spec.main]) / top).toFixed(2)} height="5" />
                </svg>
              </td>
              <td class="n" data-v={r[spec.main]}>
                {t.int(r[spec.main])}
              </td>
              <td class="n" data-v={r[spec.main]}>
                {t.pct(r[spec.main], whole)}
              </td>
              {spec.extra.map((e) => (
                <td class={`n${narrow(e) ? " hide-s" : ""}`} data-v={r[e.m]}>
                  {e.m === "max" && r.max === 0 ? "–" : fmt(e.m, r[e.m])}
                </td>
              ))}
              {changes && (
                <td class="n" data-v={r.change ? (r.change.new ? 1e15 : r.change.delta) : ""}>
                  <Change t={t} row={r} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
        {p.others && restRows > 0 && (
          <tfoot>
            <tr class="avg">
              {p.rank && <td class="hide-s"></td>}
              <td>{t("table.other", { n: restRows })}</td>
              <td class="n">{t.int(total[spec.main] - shown[spec.main])}</td>
              <td class="n">{t.pct(total[spec.main] - shown[spec.main], whole)}</td>
              {spec.extra.map((e) => (
                <td class={`n${narrow(e) ? " hide-s" : ""}`}>
                  {e.m === "max" ? "" : fmt(e.m, total[e.m] - shown[e.m])}
                </td>
              ))}
              {changes && <td></td>}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
