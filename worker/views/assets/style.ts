/** The report pages' only stylesheet, served as /assets/vigie.css (CSP: style-src 'self'). */
export const STYLE = `
:root {
  --fg: #1f2430; --muted: #667085; --bg: #ffffff; --panel: #ffffff; --line: #e4e7ec; --soft: #f5f7fa;
  --accent: #1d4ed8; --visitors: #f59e0b; --visits: #ea580c; --pages: #2563eb; --hits: #7cb3f5;
  --bytes: #16a34a; --robots: #a3a9b5; --changed: #fff4d6; --new: #b45309; --gap: #98a2b3;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8ee; --muted: #9aa3b2; --bg: #12151c; --panel: #181c25; --line: #2a303c; --soft: #1e2330;
    --accent: #8ab4ff; --changed: #3a3220; --new: #fbbf24; --gap: #6b7385; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: var(--soft); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { background: var(--panel); border-bottom: 1px solid var(--line); }
header.top .in, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 16px; }
header.top .in { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; min-height: 52px; }
.brand { font-weight: 700; letter-spacing: .02em; color: var(--fg); }
.crumbs { display: flex; flex-wrap: wrap; gap: 6px; color: var(--muted); }
.crumbs a { color: var(--muted); }
.crumbs span + span::before, .crumbs a + span::before, .crumbs span + a::before, .crumbs a + a::before { content: "›"; margin-right: 6px; color: var(--line); }
.spacer { flex: 1; }
.crumbs, h1, h2, .meta, dd, li, summary, p.wrap { overflow-wrap: anywhere; }
.nav { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.nav a, .nav button, .btn { border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; background: var(--panel);
  color: var(--fg); font: inherit; font-size: 14px; cursor: pointer; }
.nav .off { color: var(--line); border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; font-size: 14px; }
form.inline { display: inline; margin: 0; }
form.action { margin: 0 0 16px; }
.lang { display: inline-flex; gap: 6px; }
a.wd { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px 2px 8px;
  font-size: 13px; color: var(--fg); background: var(--panel); white-space: nowrap; }
a.wd b { font-weight: 600; }
a.wd .dot { width: 9px; height: 9px; border-radius: 50%; background: var(--gap); }
a.wd[data-state="MASTER_ACTIVE"] .dot { background: #16a34a; }
a.wd[data-state="MASTER_SUSPECT"] .dot, a.wd[data-state="MASTER_RECOVERING"] .dot, a.wd[data-state="FAILING_OVER"] .dot,
a.wd[data-state="FAILING_BACK"] .dot { background: #f59e0b; }
a.wd[data-state="STANDBY_ACTIVE"] .dot, a.wd[data-state="NO_STANDBY"] .dot, a.wd[data-state="HOLD"] .dot { background: #dc2626; }
a.def { display: inline-block; width: 17px; height: 17px; line-height: 15px; border: 1px solid var(--line); border-radius: 50%;
  text-align: center; font-size: 11px; font-weight: 700; color: var(--muted); vertical-align: 2px; }
a.def:hover { text-decoration: none; color: var(--accent); border-color: var(--accent); }
h1 { font-size: 24px; margin: 22px 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; }
h2 small, h1 small { font-weight: 400; color: var(--muted); font-size: 14px; }
.meta { color: var(--muted); margin: 0 0 16px; font-size: 14px; }
.notice { background: var(--changed); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 12px 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 12px 0 18px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; border-top: 4px solid var(--c, var(--line)); }
.tile .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .l { color: var(--muted); font-size: 13px; }
.tile .s { color: var(--muted); font-size: 12px; }
.t-visitors { --c: var(--visitors); } .t-visits { --c: var(--visits); } .t-pages { --c: var(--pages); }
.t-hits { --c: var(--hits); } .t-bytes { --c: var(--bytes); } .t-robots { --c: var(--robots); }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; margin: 0 0 14px; min-width: 0; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; margin: 0 0 16px; }
.grid > .card { margin: 0; }
.panels { columns: 2; column-gap: 14px; }
.panels > .card { break-inside: avoid; margin: 0 0 14px; }
.grid > details.card { margin: 0; align-self: start; }
details.card > summary { cursor: pointer; list-style-position: outside; margin-left: 16px; }
details.card > summary h2 { display: inline; margin: 0; }
details.card[open] > summary { margin-bottom: 10px; }
h2.more-h { margin: 8px 0 10px; color: var(--muted); font-size: 15px; }
@media (max-width: 860px) { .grid { grid-template-columns: minmax(0, 1fr); } .panels { columns: 1; } }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .02em; color: var(--muted); font-weight: 600; vertical-align: bottom; }
td.n, th.n { text-align: right; }
td.n { white-space: nowrap; }
th button { all: unset; cursor: pointer; }
th button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th button::after { content: "\\a0↕"; color: var(--line); }
th[aria-sort="ascending"] button::after { content: "\\a0↑"; color: var(--accent); }
th[aria-sort="descending"] button::after { content: "\\a0↓"; color: var(--accent); }
tfoot td { font-weight: 600; border-bottom: 0; }
tfoot tr.avg td { font-weight: 400; color: var(--muted); }
tr.here td { background: var(--soft); font-weight: 600; }
tr.we td:first-child, tr.we td:nth-child(2) { color: var(--visits); }
tr.gap td { color: var(--gap); font-style: italic; background: repeating-linear-gradient(135deg, transparent 0 6px, var(--soft) 6px 12px); }
tr.changed td { background: var(--changed); }
td.k { overflow-wrap: anywhere; min-width: 9em; max-width: 420px; position: relative; padding-bottom: 7px; }
.code { display: inline-block; min-width: 2.2em; font: 600 11px/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; text-align: center;
  border: 1px solid var(--line); border-radius: 4px; background: var(--soft); color: var(--muted); }
td.k .key { display: block; }
.panels td.k .key, .more td.k .key { max-width: min(230px, 50vw); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
td.k .sub { display: block; color: var(--muted); font-size: 12px; }
svg.bar { position: absolute; left: 8px; bottom: 2px; width: calc(100% - 16px); height: 4px; }
svg.bar rect { fill: var(--pages); }
svg.bar.hits rect { fill: var(--hits); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 0 6px; border-radius: 8px; border: 1px solid var(--new); color: var(--new); white-space: nowrap; }
p.more { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 8px 0 0; font-size: 14px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; color: var(--muted); margin: 6px 0 0; }
.legend i { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.legend .gapkey { background: repeating-linear-gradient(135deg, var(--gap) 0 2px, transparent 2px 5px); border: 1px solid var(--gap); }
i.visitors, .chart .visitors { background: var(--visitors); fill: var(--visitors); }
i.visits, .chart .visits { background: var(--visits); fill: var(--visits); }
i.pages, .chart .pages { background: var(--pages); fill: var(--pages); }
i.hits, .chart .hits { background: var(--hits); fill: var(--hits); }
i.bytes, .chart .bytes { background: var(--bytes); fill: var(--bytes); }
i.robots, .chart .robots { background: var(--robots); fill: var(--robots); }
figure.chart-box { margin: 0 0 12px; overflow-x: auto; }
svg.chart { display: block; width: 100%; min-width: 560px; height: auto; }
svg.chart.cal { min-width: 640px; }
svg.chart.half { min-width: 420px; }
.chart text { fill: var(--muted); font-size: 12px; font-family: inherit; }
.chart text.we { fill: var(--visits); }
.chart text.off { fill: var(--gap); }
.chart .axis { stroke: var(--line); stroke-width: 1; }
.chart .gap { fill: var(--gap); opacity: .35; }
.chart .nodata { fill: var(--gap); font-size: 9px; }
.chart .grp:hover rect:not(.gap) { opacity: .8; }
.cal rect { fill: var(--soft); stroke: var(--line); stroke-width: .5; }
.cal rect.l1 { fill: #c7dcfb; } .cal rect.l2 { fill: #8db8f5; } .cal rect.l3 { fill: #4b8ef0; } .cal rect.l4 { fill: #1d4ed8; }
.cal rect.gapday { fill: url(#cal-hatch); stroke: var(--gap); }
.cal pattern rect { fill: var(--gap); stroke: none; }
.cal text { fill: var(--muted); font-size: 9px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
dl.glossary { margin: 0; columns: 2 26em; column-gap: 36px; }
dl.glossary > div { break-inside: avoid; padding: 0 0 14px; }
dl.glossary dt { font-weight: 650; margin: 0 0 2px; scroll-margin-top: 12px; }
dl.glossary dt:target { color: var(--accent); }
dl.glossary dd { margin: 0; }
details.samples { margin-top: 12px; }
details.samples > summary { cursor: pointer; font-weight: 600; }
details.trail { border-top: 1px solid var(--line); padding: 6px 0; }
details.trail summary { cursor: pointer; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
.pager { display: flex; gap: 10px; align-items: center; margin: 10px 0 0; flex-wrap: wrap; }
.login { max-width: 420px; margin: 60px auto; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 22px; }
.login label { display: block; font-weight: 600; margin: 0 0 6px; }
.login input[type=password] { width: 100%; font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); color: var(--fg); }
.login button { margin-top: 12px; background: var(--accent); color: #fff; border: 0; border-radius: 8px; padding: 8px 16px; font: inherit; cursor: pointer; }
.error { color: #b42318; background: #fee4e2; border-radius: 8px; padding: 8px 10px; margin: 0 0 12px; }
footer { color: var(--muted); font-size: 12px; padding: 10px 16px 30px; }
@media (max-width: 700px) {
  table.stack thead { display: none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: auto; }
  table.stack tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.stack td { display: grid; grid-template-columns: minmax(7em, 35%) minmax(0, 1fr); gap: 10px; border: 0; padding: 2px 0;
    text-align: left; white-space: normal; overflow-wrap: anywhere; }
  table.stack td::before { content: attr(data-label); color: var(--muted); font: 12px/1.6 system-ui, sans-serif; padding-top: 2px; }
}
@media (max-width: 600px) {
  body { font-size: 14px; }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dd { margin-bottom: 6px; }
  h1 { font-size: 20px; }
  th, td { padding: 4px 4px; }
  th { font-size: 11px; letter-spacing: 0; }
  th:not([aria-sort]) button::after { content: none; }
  .hide-s { display: none; }
  .tile .v { font-size: 19px; }
  .card { padding: 12px 10px; }
}
`;
