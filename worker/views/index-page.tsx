import type { IndexJson } from "../routes/reports-model";
import { MonthsOfYear, Tiles } from "./figures";
import { fmtInt } from "./format";
import { Layout } from "./layout";

/** The site's index: every year, newest first, its months as a chart and a table, and its summary. */
export function IndexPage(p: { index: IndexJson; logout?: string }) {
  const { site, years } = p.index;
  return (
    <Layout title={`${site} — Vigie`} crumbs={[{ label: site }]} logout={p.logout}>
      <h1>
        {site} <small>web statistics</small>
      </h1>
      <p class="meta">
        {years.length === 0
          ? "No statistics yet: the agent has not uploaded any log."
          : `${years.length} ${years.length === 1 ? "year" : "years"} of statistics`}
        {" · "}
        <a href={`/api/v1/sites/${site}/years`}>JSON</a>
      </p>
      {years.map((y) => (
        <section class="card" id={`y${y.year}`}>
          <h2>
            <a href={`/sites/${site}/${y.year}`}>{y.year}</a>{" "}
            <small>
              · {fmtInt(y.days)} days with data · {y.visitsPerDay} visits a day
            </small>
          </h2>
          <Tiles t={y} visitorsNote="distinct over the year" />
          <MonthsOfYear id={y.year} site={site} year={y.year} months={y.months} total={y} />
        </section>
      ))}
    </Layout>
  );
}
