import type { MessageKey } from "../i18n/en";
import { Layout } from "./layout";
import type { PageCtx } from "./page-context";

/** The glossary's entries in reading order: the README's definitions, in the page's language. */
const GLOSSARY = [
  { id: "hit", term: "gl.hit", def: "gl.hit.def" },
  { id: "page", term: "gl.page", def: "gl.page.def" },
  { id: "visit", term: "gl.visit", def: "gl.visit.def" },
  { id: "visitor", term: "gl.visitor", def: "gl.visitor.def" },
  { id: "entry", term: "gl.entry", def: "gl.entry.def" },
  { id: "robot", term: "gl.robot", def: "gl.robot.def" },
  { id: "robot-agent", term: "gl.robotAgent", def: "gl.robotAgent.def" },
  { id: "robot-behaviour", term: "gl.robotBehaviour", def: "gl.robotBehaviour.def" },
  { id: "feed", term: "gl.feed", def: "gl.feed.def" },
  { id: "referer", term: "gl.referer", def: "gl.referer.def" },
  { id: "keyword", term: "gl.keyword", def: "gl.keyword.def" },
  { id: "image-search", term: "gl.imageSearch", def: "gl.imageSearch.def" },
  { id: "download", term: "gl.download", def: "gl.download.def" },
  { id: "country", term: "gl.country", def: "gl.country.def" },
  { id: "bandwidth", term: "gl.bandwidth", def: "gl.bandwidth.def" },
  { id: "rejected", term: "gl.rejected", def: "gl.rejected.def" },
  { id: "gap", term: "gl.gap", def: "gl.gap.def" },
  { id: "changed", term: "gl.changed", def: "gl.changed.def" },
  { id: "time-zone", term: "gl.timeZone", def: "gl.timeZone.def" },
] as const satisfies readonly { id: string; term: MessageKey; def: MessageKey }[];

export type GlossaryId = (typeof GLOSSARY)[number]["id"];

/** A figure's definition, one click away: a small "?" link to its glossary entry. */
export function Def(p: { ctx: PageCtx; id: GlossaryId }) {
  const { t, site } = p.ctx;
  if (!site) return null;
  const term = t(GLOSSARY.find((g) => g.id === p.id)!.term);
  return (
    <a
      class="def"
      href={`/sites/${site}/glossary#${p.id}`}
      title={t("def.linkTo", { term })}
      aria-label={t("def.linkTo", { term })}
    >
      ?
    </a>
  );
}

/** /sites/NAME/glossary: what every figure of the reports counts. */
export function GlossaryPage(p: { ctx: PageCtx; site: string }) {
  const { t } = p.ctx;
  return (
    <Layout
      ctx={p.ctx}
      title={t("glossary.title", { site: p.site })}
      crumbs={[{ label: p.site, href: `/sites/${p.site}/` }, { label: t("glossary.crumb") }]}
    >
      <h1>{t("glossary.heading")}</h1>
      <p class="meta">{t("glossary.intro")}</p>
      <section class="card">
        <dl class="glossary">
          {GLOSSARY.map((g) => (
            <div>
              <dt id={g.id}>{t(g.term)}</dt>
              <dd>{t(g.def)}</dd>
            </div>
          ))}
        </dl>
      </section>
    </Layout>
  );
}
