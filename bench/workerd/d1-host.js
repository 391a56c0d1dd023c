// The D1 host of remote-d1.ts: runs each request's statements on its local D1 and answers D1's
// result as JSON (an error as 500 with its message, which the client throws again). Plain
// JavaScript: the bench's Node program does not typecheck Workers code.
export default {
  /** @param {Request} req @param {{ DB: any }} env */
  async fetch(req, env) {
    const { mode, statements } = await req.json();
    const stmts = statements.map((s) => env.DB.prepare(s.sql).bind(...s.params));
    try {
      const out =
        mode === "batch"
          ? await env.DB.batch(stmts)
          : mode === "raw"
            ? await stmts[0].raw()
            : mode === "rawColumns"
              ? await stmts[0].raw({ columnNames: true })
              : await stmts[0][mode]();
      return Response.json(out);
    } catch (e) {
      return Response.json({ error: e instanceof Error ? e.message : String(e) }, { status: 500 });
    }
  },
};
