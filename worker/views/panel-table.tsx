/**
 * A panel as a sortable table: what each panel's columns are, the key cell (a link only for
 * http(s) referers), a bar of each row's share, and what the last analysis changed.
 */
import type { PanelId } from "../core/panels";
import type { PanelJson, PanelRowJson } from "../routes/reports-model";
import { countryName, fmtBytes, fmtInt, fmtPct, safeHref, statusReason } from "./format";
import { SortTh } from "./sort-th";

type Measure = "hits" | "pages" | "bytes" | "max";

interface PanelSpec {
  key: string;
  /** The measure the bar and the share are of. */
  main: "hits" | "pages";
  mainLabel: string;
  extra: { m: Measure; label: string }[];
  /** Show what the month's last analysis run changed (IWLA's "differences since last analysis"). */
  changes?: boolean;
}

const HUMAN = [
  { m: "pages", label: "Pages" },
  { m: "bytes", label: "Bandwidth" },
] as PanelSpec["extra"];

export const PANEL_SPECS: Record<PanelId, PanelSpec> = {
  pages: {
    key: "Page",
    main: "pages",
    mainLabel: "Views",
    extra: [{ m: "bytes", label: "Bandwidth" }],
  },
  entry: { key: "Entry page", main: "pages", mainLabel: "Entries", extra: [] },
  referers: {
    key: "Referring page",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "pages", label: "Pages" }],
  },
  "referring-sites": {
    key: "Site",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "pages", label: "Pages" }],
  },
  "search-engines": {
    key: "Search engine",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "pages", label: "Pages" }],
  },
  keywords: {
    key: "Search terms",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "pages", label: "Pages" }],
    changes: true,
  },
  "image-search": {
    key: "Page or image",
    main: "hits",
    mainLabel: "Hits",
    extra: [
      { m: "pages", label: "Page views" },
      { m: "bytes", label: "Bandwidth" },
    ],
  },
  browsers: { key: "Browser", main: "hits", mainLabel: "Hits", extra: HUMAN },
  "browser-versions": { key: "Version", main: "hits", mainLabel: "Hits", extra: HUMAN },
  os: { key: "Operating system", main: "hits", mainLabel: "Hits", extra: HUMAN },
  devices: { key: "Device", main: "hits", mainLabel: "Hits", extra: HUMAN },
  countries: { key: "Country", main: "hits", mainLabel: "Hits", extra: HUMAN },
  downloads: {
    key: "File",
    main: "hits",
    mainLabel: "Downloads",
    extra: [{ m: "bytes", label: "Bandwidth" }],
    changes: true,
  },
  feeds: {
    key: "Feed reader",
    main: "hits",
    mainLabel: "Hits",
    extra: [
      { m: "max", label: "Subscribers" },
      { m: "bytes", label: "Bandwidth" },
    ],
  },
  "feed-hosts": {
    key: "Host",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "bytes", label: "Bandwidth" }],
  },
  robots: {
    key: "Robot",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "bytes", label: "Bandwidth" }],
  },
  status: {
    key: "Status",
    main: "hits",
    mainLabel: "Hits",
    extra: [{ m: "bytes", label: "Bandwidth" }],
  },
  "not-found": { key: "Path", main: "hits", mainLabel: "Hits", extra: [] },
};

const fmt = (m: Measure, v: number) => (m === "bytes" ? fmtBytes(v) : fmtInt(v));

function KeyCell(p: { panel: PanelId; row: PanelRowJson }) {
  const k = p.row.key;
  if (p.panel === "referers") {
    const href = safeHref(k);
    return href ? (
      <a class="key" href={href} rel="noopener noreferrer nofollow" title={k}>
        {k}
      </a>
    ) : (
      <span class="key" title={k}>
        {k}
      </span>
    );
  }
  if (p.panel === "countries")
    return (
      <span class="key">
        <span class="code">{k}</span> {countryName(k)}
      </span>
    );
  if (p.panel === "status")
    return (
      <span class="key">
        <span class="mono">{k}</span> {statusReason(k)}
      </span>
    );
  if (p.panel === "feed-hosts" && p.row.hostName)
    return (
      <span class="key">
        {p.row.hostName}
        <span class="sub mono">{k}</span>
      </span>
    );
  if (
    p.panel === "pages" ||
    p.panel === "entry" ||
    p.panel === "downloads" ||
    p.panel === "not-found" ||
    p.panel === "image-search"
  )
    return (
      <span class="key mono" title={k}>
        {k}
      </span>
    );
  return (
    <span class="key" title={k}>
      {k}
    </span>
  );
}

function Change(p: { row: PanelRowJson }) {
  const ch = p.row.change;
  if (!ch) return null;
  return ch.new ? <span class="badge">new</span> : <span class="badge">+{fmtInt(ch.delta)}</span>;
}

/**
 * The table of a panel's rows; `others` adds a footer with what the listed rows leave out (the
 * month page shows the top rows only), and `offset` numbers rows after earlier pages.
 */
/** `scale`: the value of a full bar (the panel's largest, on pages past the first); by default the largest row shown. */
export function PanelTable(p: {
  panel: PanelJson;
  offset?: number;
  others?: boolean;
  rank?: boolean;
  scale?: { hits: number; pages: number };
}) {
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
  if (p.panel.rows.length === 0) return <p class="meta">Nothing this month.</p>;
  return (
    <div class="scroll">
      <table class="sortable" data-panel={id}>
        <thead>
          <tr>
            {p.rank && <SortTh num narrow label="#" />}
            <SortTh label={spec.key} />
            <SortTh num label={spec.mainLabel} />
            <SortTh num label="%" />
            {spec.extra.map((e) => (
              <SortTh num narrow={e.m === "bytes"} label={e.label} />
            ))}
            {changes && <SortTh num label="Change" title="since the previous analysis run" />}
          </tr>
        </thead>
        <tbody>
          {p.panel.rows.map((r, i) => (
            <tr class={spec.changes && r.change ? "changed" : undefined}>
              {p.rank && (
                <td class="n hide-s" data-v={(p.offset ?? 0) + i + 1}>
                  {(p.offset ?? 0) + i + 1}
                </td>
              )}
              <td class="k" data-v={r.key}>
                <KeyCell panel={id} row={r} />
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
                {fmtInt(r[spec.main])}
              </td>
              <td class="n" data-v={r[spec.main]}>
                {fmtPct(r[spec.main], whole)}
              </td>
              {spec.extra.map((e) => (
                <td class={`n${e.m === "bytes" ? " hide-s" : ""}`} data-v={r[e.m]}>
                  {e.m === "max" && r.max === 0 ? "–" : fmt(e.m, r[e.m])}
                </td>
              ))}
              {changes && (
                <td class="n" data-v={r.change ? (r.change.new ? 1e15 : r.change.delta) : ""}>
                  <Change row={r} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
        {p.others && restRows > 0 && (
          <tfoot>
            <tr class="avg">
              {p.rank && <td class="hide-s"></td>}
              <td>Other ({fmtInt(restRows)} more)</td>
              <td class="n">{fmtInt(total[spec.main] - shown[spec.main])}</td>
              <td class="n">{fmtPct(total[spec.main] - shown[spec.main], whole)}</td>
              {spec.extra.map((e) => (
                <td class={`n${e.m === "bytes" ? " hide-s" : ""}`}>
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
