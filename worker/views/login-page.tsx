import { Layout } from "./layout";

/** The form a private site answers with (401) until the reader gives its read token. */
export function LoginPage(p: { site: string; next: string; error?: string }) {
  return (
    <Layout title={`${p.site} — sign in — Vigie`} crumbs={[{ label: p.site }]}>
      <form class="login" method="post" action={`/sites/${p.site}/login`}>
        <h1>{p.site}</h1>
        <p class="meta">
          These statistics are private. Enter the site's read token (<code>vgr_…</code>, printed by{" "}
          <code>npm run site -- add</code>).
        </p>
        {p.error && (
          <p class="error" role="alert">
            {p.error}
          </p>
        )}
        <label for="token">Read token</label>
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
        <button type="submit">Show the statistics</button>
      </form>
    </Layout>
  );
}

export function MessagePage(p: { title: string; message: string; site?: string }) {
  return (
    <Layout
      title={`${p.title} — Vigie`}
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
