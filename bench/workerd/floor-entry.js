// The floor under a chunk's CPU: a worker that does only a chunk's I/O, none of its work. It reads
// the body, checks its sha-256, gunzips it and hashes the log bytes, as the ingest does, then makes
// ROUND_TRIPS requests to the D1 host carrying OUT_CHARS of JSON out and IN_CHARS back in all (the
// sizes of a real chunk's statements and results). What a real chunk costs above this is its work.
// Plain JavaScript, bundled by split-worker.ts.
import { remoteD1 } from "./remote-d1";

export default {
  /** @param {Request} req @param {Record<string, string>} env */
  async fetch(req, env) {
    const body = new Uint8Array(await req.arrayBuffer());
    await crypto.subtle.digest("SHA-256", body);
    const unzipped = new Response(body).body.pipeThrough(new DecompressionStream("gzip"));
    const bytes = new Uint8Array(await new Response(unzipped).arrayBuffer());
    await crypto.subtle.digest("SHA-256", bytes);
    const db = remoteD1(env.D1_HOST);
    const trips = Number(env.ROUND_TRIPS);
    const out = "x".repeat(Math.floor(Number(env.OUT_CHARS) / trips));
    const back = Math.floor(Number(env.IN_CHARS) / trips);
    for (let i = 0; i < trips; i++)
      await db.prepare("SELECT substr(?1, 1, ?2) AS back").bind(out, back).all();
    return Response.json({ lines: bytes.length > 0 ? 1 : 0 });
  },
};
