// The ingest's stages (../ingest-stages.ts) inside workerd, timed by performance.now(), which
// local workerd moves while code runs (1 ms steps: means over many chunks). `POST /?site=&token=
// &start=&end=` with a chunk's gzip as the body answers its stage times as JSON. Plain JavaScript,
// bundled by split-worker.ts: the bench's Node program does not typecheck Workers code.
import geoData from "../../worker/generated/geo.bin";
import scanLines from "../../worker/core/scan-lines.wasm";
import { warmUp } from "../../worker/ingest/warm-up";
import { stageRunner } from "../ingest-stages";

// As worker/routes/ingest.ts does at isolate start.
warmUp();

let run = null;

export default {
  async fetch(req, env) {
    run ??= stageRunner({ d1Url: env.D1_HOST, geoData, scanLines, now: () => performance.now() });
    const q = new URL(req.url).searchParams;
    const body = new Uint8Array(await req.arrayBuffer());
    const site = { site: q.get("site"), agentToken: q.get("token") };
    const times = await run(site, {
      body,
      start: Number(q.get("start")),
      end: Number(q.get("end")),
    });
    return Response.json(times);
  },
};
