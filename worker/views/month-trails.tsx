/** The month page's last blocks: the watched visitors' trails and the analysis (with rejected lines). */
import type { WatchedRow } from "../db/queries/get-month-report";
import type { MessageKey } from "../i18n/en";
import type { T } from "../i18n/translator";
import type { MonthJson } from "../routes/reports-model";
import { Ext } from "./ext";
import { safeHref, visibleBidi } from "./format";
import { Def } from "./glossary-page";
import type { PageCtx } from "./page-context";
import { SortTh } from "./sort-th";

export function Watched(p: { ctx: PageCtx; m: MonthJson }) {
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

export function Analysis(p: { ctx: PageCtx; m: MonthJson }) {
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
