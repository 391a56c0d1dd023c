import { Layout } from "./layout";
import type { PageCtx } from "./page-context";

/** The form a private site answers with (401) until the reader gives its read token. */
export function LoginPage(p: { ctx: PageCtx; site: string; next: string; error?: string }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t("login.title", { site: p.site })} crumbs={[{ label: p.site }]}>
      <form class="login" method="post" action={`/sites/${p.site}/login`}>
        <h1>{p.site}</h1>
        <p class="meta">
          {t.rich("login.intro", {
            token: <code>vgr_…</code>,
            command: <code>npm run site -- add</code>,
          })}
        </p>
        {p.error && (
          <p class="error" role="alert">
            {p.error}
          </p>
        )}
        <label for="token">{t("login.label")}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          spellcheck={false}
        />
        <input type="hidden" name="next" value={p.next} />
        <button type="submit">{t("login.submit")}</button>
      </form>
    </Layout>
  );
}

/** An error page (404, 400, 403, 500…), in the reader's language. */
export function MessagePage(p: { ctx: PageCtx; title: string; message: string; site?: string }) {
  const { t } = p.ctx;
  return (
    <Layout
      ctx={p.ctx}
      title={t("error.title", { title: p.title })}
      crumbs={
        p.site
          ? [{ label: p.site, href: `/sites/${p.site}/` }, { label: p.title }]
          : [{ label: p.title }]
      }
    >
      <h1>{p.title}</h1>
      <p class="meta">{p.message}</p>
    </Layout>
  );
}
