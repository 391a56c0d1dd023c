import { lifecycleOf } from "../ingest/periods";
import { Hono } from "hono";
import type { AppEnv } from "../app";
import type { UserConfig } from "../core/config";
import { Analyzer } from "../core/analyzer";
import { resolveConfig, robotRules } from "../core/config";
import { compileLogFormat } from "../core/log-format";
import { requireAgent } from "../auth/request-auth";
import { siteDb } from "../db/databases";
import { listChunks, type ChunkReceipt } from "../db/queries/chunk-receipts";
import { createRun, endRun } from "../db/queries/runs";
import { dohUrl, maxChunkBytes } from "../env";
import { ApiError } from "../errors";
import { applyChunk, SiteBusyError } from "../ingest/apply-chunk";
import { gunzipBody } from "../ingest/gunzip";
import { geoLookup } from "../geo";
import { lineScanner } from "../scanner";
import { applyPrivacy } from "../ingest/privacy";
import { readBody } from "../ingest/read-body";
import { resolveFeedHostsLater } from "../ingest/resolve-feed-hosts";
import { warmUp } from "../ingest/warm-up";

export const ingest = new Hono<AppEnv>();

// At isolate start, not in the first chunk's request (see warm-up.ts).
warmUp();

const int = (v: string | undefined, name: string): number => {
  if (v === undefined || !/^\d{1,15}$/.test(v))
    throw new ApiError("bad_request", `${name} must be a non-negative integer`);
  return Number(v);
};

/** POST /api/v1/ingest?site=&source=&start=&end=[&format=][&run=] — one chunk of whole log lines, gzip. */
ingest.post("/ingest", async (c) => {
  const t0 = Date.now();
  const q = c.req.query();
  if (!q.site) throw new ApiError("bad_request", "site is required");
  const site = await requireAgent(c, q.site);
  const source = q.source ?? "";
  if (source.length < 1 || source.length > 512)
    throw new ApiError("bad_request", "source must be 1 to 512 characters");
  const start = int(q.start, "start");
  const end = int(q.end, "end");
  if (end <= start) throw new ApiError("bad_request", "end must be greater than start");
  const limit = maxChunkBytes(c.env);
  if (end - start > limit)
    throw new ApiError("too_large", `chunk of ${end - start} bytes exceeds the limit of ${limit}`);
  const expectedSha = (c.req.header("x-content-sha256") ?? "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expectedSha))
    throw new ApiError("bad_request", "X-Content-SHA256 must be the hex sha-256 of the body");

  const body = await readBody(c.req.raw, limit);
  const sha = hex(await crypto.subtle.digest("SHA-256", body));
  if (sha !== expectedSha)
    throw new ApiError("bad_checksum", `body sha-256 is ${sha}, the header says ${expectedSha}`);

  const unzipped = await gunzipBody(body, limit);
  if (!unzipped.ok) throw new ApiError(unzipped.code, unzipped.message);
  const bytes = unzipped.bytes;
  if (bytes.length !== end - start)
    throw new ApiError(
      "bad_request",
      `the body holds ${bytes.length} bytes, the range [${start}, ${end}) ${end - start}`,
    );
  if (bytes[bytes.length - 1] !== 10)
    throw new ApiError("bad_request", "a chunk holds whole lines: it must end with a newline");

  const user = JSON.parse(site.config) as UserConfig;
  if (q.format) {
    const f = compileLogFormat(q.format);
    if (!f.ok) throw new ApiError("bad_request", `format: ${f.error}`);
    user.format = q.format;
  }
  const resolved = resolveConfig(user);
  if (!resolved.ok)
    throw new ApiError("unprocessable", `site configuration: ${resolved.errors.join("; ")}`);
  const config = resolved.config;
  const db = siteDb(c.env, site.name);
  // A chunk outside any run (no &run=) counts under run 0: no run row is written for it. The run
  // is looked up with the chunk's reads (one D1 request less).
  const runId = q.run === undefined ? 0 : int(q.run, "run");

  const analyzer = new Analyzer(config, geoLookup(), lineScanner());
  analyzer.pushBytes(bytes);
  const partial = analyzer.finish();
  // Workers stop the clock while code runs (it moves only across I/O), so a pure analysis would
  // always time at 0: the chunk's duration is taken from the request's start instead, which
  // counts the body's arrival and the D1 reads before the analysis.
  const analysisMs = Date.now() - t0;
  const feedKeys = await applyPrivacy(partial, site.privacy, site.secret);

  const outcome = await applyChunk(db, {
    // The receipt keeps the hash of the log bytes, not of their gzip: a chunk re-sent after a crash
    // may be compressed differently (another zlib, another level) and is still the same chunk.
    siteId: site.id,
    source,
    start,
    end,
    sha256: hex(await crypto.subtle.digest("SHA-256", bytes)),
    runId,
    partial,
    analysisMs,
    rules: robotRules(config),
    lifecycle: lifecycleOf(config),
    gap: config.visitGapSeconds,
    now: Math.floor(Date.now() / 1000),
  }).catch((e) => {
    if (e instanceof SiteBusyError) throw new ApiError("busy", e.message);
    throw e;
  });
  if (outcome.status === "no-run") throw new ApiError("not_found", `no run ${runId} for this site`);
  if (outcome.status === "conflict") throw new ApiError("conflict", outcome.message);
  // Feed readers' names by reverse DNS, for a site that keeps whole addresses only: the name of
  // an address often spells it, which a truncated or hashed key is there to hide.
  if (outcome.status === "applied" && site.privacy === "full")
    c.executionCtx.waitUntil(
      resolveFeedHostsLater(db, site.id, feedKeys, dohUrl(c.env), Math.floor(Date.now() / 1000)),
    );
  const common = {
    lines: partial.lines,
    rejected: partial.rejected,
    maxChunkBytes: limit,
    runId,
    wallMs: Date.now() - t0,
    analysisMs,
  };
  if (outcome.status === "already-applied")
    return c.json({
      status: "already-applied",
      ...common,
      rowsRead: outcome.cost.rowsRead,
      rowsWritten: 0,
      statements: 0,
      queries: outcome.cost.queries,
    });
  const late = outcome.late;
  return c.json({
    status: "applied",
    ...common,
    rowsRead: outcome.cost.rowsRead,
    rowsWritten: outcome.cost.rowsWritten,
    statements: outcome.statements,
    queries: outcome.cost.queries,
    // Lines of days already closed: counted exactly in hits, bytes, panels and hours; their
    // visits, visitors and human/robot split as if each visitor had no other hit that day.
    ...(late && {
      late: {
        hits: late.hits,
        from: late.from,
        to: late.to,
        approximate: ["visits", "visitors", "pages", "entry"],
        message: `${late.hits} hits of days closed before this upload (${late.from} to ${late.to}): their visits and visitors are approximate`,
      },
    }),
  });
});

/** POST /api/v1/runs?site= — opens an upload session; chunks name it with &run=. */
ingest.post("/runs", async (c) => {
  const site = await requireAgent(c, c.req.query("site") ?? "");
  const run = await createRun(
    siteDb(c.env, site.name),
    site.id,
    Math.floor(Date.now() / 1000),
  ).first<{
    id: number;
  }>();
  return c.json({ runId: run!.id, maxChunkBytes: maxChunkBytes(c.env) });
});

/** POST /api/v1/runs/:id/end?site= — closes it. */
ingest.post("/runs/:id/end", async (c) => {
  const site = await requireAgent(c, c.req.query("site") ?? "");
  const runId = int(c.req.param("id"), "run");
  const r = await endRun(
    siteDb(c.env, site.name),
    site.id,
    runId,
    Math.floor(Date.now() / 1000),
  ).run();
  if (!r.meta.changes) throw new ApiError("not_found", `no run ${runId} for this site`);
  return c.json({ runId, ended: true });
});

/** GET /api/v1/limits — what the agent must respect. */
ingest.get("/limits", (c) => c.json({ maxChunkBytes: maxChunkBytes(c.env) }));

/** Chunks listed per answer of GET /chunks. */
export const CHUNKS_PAGE = 1000;

/**
 * GET /api/v1/chunks?site=&source=[&from=] — the chunks of a source the worker holds that end after
 * `from` (default 0), in order, CHUNKS_PAGE at most (`more` says there are others): each one's byte
 * range and the sha-256 of its log bytes. An agent that lost its state checks them against its file
 * and resumes after them instead of being refused (409) on every chunk.
 */
ingest.get("/chunks", async (c) => {
  const q = c.req.query();
  if (!q.site) throw new ApiError("bad_request", "site is required");
  const site = await requireAgent(c, q.site);
  const source = q.source ?? "";
  if (source.length < 1 || source.length > 512)
    throw new ApiError("bad_request", "source must be 1 to 512 characters");
  const from = q.from === undefined ? 0 : int(q.from, "from");
  const rows = (
    await listChunks(
      siteDb(c.env, site.name),
      site.id,
      source,
      from,
      CHUNKS_PAGE + 1,
    ).all<ChunkReceipt>()
  ).results;
  return c.json({ source, chunks: rows.slice(0, CHUNKS_PAGE), more: rows.length > CHUNKS_PAGE });
});

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
