/**
 * The worker's ingest routes, as the agent uses them (DESIGN.md, "Ingest protocol"): an upload run
 * (`POST /api/v1/runs`, which also says the largest chunk accepted), chunks
 * (`POST /api/v1/ingest`), and the run's end.
 */
import type { Context } from "./context";
import { EXIT, type ExitCode } from "./exit-codes";
import { askWorker, type HttpAnswer, type HttpRequest } from "./http";

/** The worker said no: `exit` tells whether to stop everything (auth) or only the current file (refused). */
export class WorkerRefusal extends Error {
  override name = "WorkerRefusal";
  /** The HTTP status of the refusal, when there was one. */
  constructor(
    readonly exit: ExitCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface Session {
  runId: number;
  maxChunkBytes: number;
}

export interface ChunkUpload {
  sourceId: string;
  start: number;
  end: number;
  format?: string;
  runId: number;
  /** gzip of the raw bytes. */
  body: Uint8Array;
  bodySha256: string;
  /** For messages: the file the bytes come from. */
  path: string;
}

export interface ChunkReceipt {
  status: "applied" | "already-applied";
  lines: number;
  rejected: number;
}

const ok = (a: HttpAnswer) => a.status >= 200 && a.status < 300;
const site = (ctx: Context) => `site=${encodeURIComponent(ctx.config.site)}`;

async function call(ctx: Context, req: Omit<HttpRequest, "token">): Promise<HttpAnswer> {
  return askWorker(ctx, { ...req, token: ctx.config.token! });
}

/** A refusal's exit code and message; token and site problems concern every file. */
export function refusal(ctx: Context, answer: HttpAnswer, what: string): WorkerRefusal {
  const detail = `${answer.status}${answer.code ? ` ${answer.code}` : ""}: ${answer.message || "(no message)"}`;
  if (answer.status === 401 || answer.status === 403) {
    return new WorkerRefusal(
      EXIT.auth,
      `${what}: the worker refused the agent token for site "${ctx.config.site}" (${detail}). Check "token" in the config file or VIGIE_TOKEN; nothing was lost, the next run resumes.`,
    );
  }
  if (answer.status === 404) {
    return new WorkerRefusal(
      EXIT.auth,
      `${what}: ${detail}. Check "site" and "workerUrl" in the config file; nothing was lost.`,
    );
  }
  if (answer.status === 409) {
    return new WorkerRefusal(
      EXIT.refused,
      `${what}: the worker already holds other bytes of this source overlapping that range (${detail}), and they are not this file's bytes (the file was changed in place?). This file is stopped; the others go on.`,
      409,
    );
  }
  return new WorkerRefusal(
    EXIT.refused,
    `${what}: the worker refused it (${detail}). This file is stopped until someone looks; the others go on.`,
  );
}

/** A chunk the worker holds: a byte range of a source and the sha-256 of its log bytes. */
export interface HeldChunk {
  start: number;
  end: number;
  sha256: string;
}

/** The chunks of a source the worker holds that end after `from`, in order (`GET /api/v1/chunks`, all its pages). */
export async function heldChunks(
  ctx: Context,
  sourceId: string,
  from: number,
): Promise<HeldChunk[]> {
  const out: HeldChunk[] = [];
  for (;;) {
    const what = "asking the worker which chunks it holds";
    const answer = await call(ctx, {
      method: "GET",
      path: `/api/v1/chunks?${site(ctx)}&source=${encodeURIComponent(sourceId)}&from=${from}`,
      what,
    });
    if (!ok(answer)) throw refusal(ctx, answer, what);
    const j = answer.json as { chunks?: HeldChunk[]; more?: boolean };
    if (!Array.isArray(j?.chunks))
      throw new WorkerRefusal(
        EXIT.refused,
        `${what}: unexpected answer ${JSON.stringify(answer.json)?.slice(0, 200)}`,
      );
    out.push(...j.chunks);
    const next = j.chunks.length === 0 ? from : j.chunks[j.chunks.length - 1].end;
    // Every page must move on: a worker answering the same page again would loop forever.
    if (!j.more || !(next > from)) return out;
    from = next;
  }
}

export async function openRun(ctx: Context): Promise<Session> {
  const answer = await call(ctx, {
    method: "POST",
    path: `/api/v1/runs?${site(ctx)}`,
    what: "opening an upload run",
  });
  if (!ok(answer)) throw refusal(ctx, answer, "opening an upload run");
  const j = answer.json as Partial<Session>;
  if (!Number.isInteger(j?.runId) || !Number.isInteger(j?.maxChunkBytes)) {
    throw new WorkerRefusal(
      EXIT.refused,
      `opening an upload run: unexpected answer ${JSON.stringify(answer.json)?.slice(0, 200)}`,
    );
  }
  return { runId: j.runId!, maxChunkBytes: j.maxChunkBytes! };
}

export async function endRun(ctx: Context, runId: number): Promise<void> {
  await call(ctx, {
    method: "POST",
    path: `/api/v1/runs/${runId}/end?${site(ctx)}`,
    what: `closing upload run ${runId}`,
  });
}

/**
 * Cloudflare stopped the worker at its CPU limit on this chunk (error 1102). Sent again as it is,
 * it would cost the same; the agent cuts it smaller (ship.ts). The worker may have committed it
 * before it was stopped.
 */
export class ChunkOverLimit extends Error {
  override name = "ChunkOverLimit";
  constructor(
    readonly start: number,
    readonly end: number,
    what: string,
  ) {
    super(`${what}: Cloudflare stopped the worker at its CPU limit (error 1102)`);
  }
}

export async function postChunk(ctx: Context, u: ChunkUpload): Promise<ChunkReceipt> {
  const q = `${site(ctx)}&source=${encodeURIComponent(u.sourceId)}&start=${u.start}&end=${u.end}&run=${u.runId}`;
  const what = `upload of bytes [${u.start}, ${u.end}) of ${u.path}`;
  const answer = await call(ctx, {
    method: "POST",
    path: `/api/v1/ingest?${q}${u.format === undefined ? "" : `&format=${encodeURIComponent(u.format)}`}`,
    headers: { "content-type": "application/gzip", "x-content-sha256": u.bodySha256 },
    body: u.body,
    what,
    overLimitIsAnswer: true,
  });
  if (answer.overLimit) throw new ChunkOverLimit(u.start, u.end, what);
  if (!ok(answer)) throw refusal(ctx, answer, what);
  return answer.json as ChunkReceipt;
}
