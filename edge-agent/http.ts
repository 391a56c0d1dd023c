/**
 * HTTP to the worker with retries: network errors, timeouts, 5xx, 408 and 429 are retried with
 * exponential backoff and jitter (a 429's or 503's Retry-After is honoured); any other 4xx is an
 * answer, returned at once. Only the errors fetch itself raises count as network errors: anything
 * else thrown under a request is a bug (or a test's simulated crash) and propagates. An upload
 * Cloudflare stopped at the worker's CPU limit (error 1102) is answered at once: see ship.ts.
 *
 * What no retry can mend fails at once: an answer that is not JSON (every route of the worker's
 * API answers JSON, so an HTML page means `workerUrl` names something else: a report page, a
 * router, a redirect), TLS spoken to a plain-HTTP port or the reverse, a certificate refused.
 */
import type { AgentConfig } from "./config";
import type { Context } from "./context";
import type { Deps } from "./deps";
import type { HttpResponse } from "./node-http";
import { AGENT_VERSION } from "./version";
import { retryAfterMs } from "../worker/net/retry-after";

export interface HttpRequest {
  method: "GET" | "POST";
  /** Path and query under the worker's URL, e.g. `/api/v1/ingest?site=…`. */
  path: string;
  token: string;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  /** What is being done, for messages ("upload of bytes [0, 4096) of access.log"). */
  what: string;
  /** Answer Cloudflare's "exceeded resource limits" at once rather than retry it (uploads: see ship.ts). */
  overLimitIsAnswer?: true;
}

export interface HttpAnswer {
  status: number;
  /** The Content-Type header, for messages. */
  contentType: string;
  /** The parsed JSON body, or null. */
  json: unknown;
  /** The error message of a `{ error: { code, message } }` body, else the start of the body. */
  message: string;
  code?: string;
  /**
   * Cloudflare stopped the worker at its CPU or memory limit: error 1102, a 503 with Cloudflare's
   * own page ("error code: 1102"), never the worker's JSON.
   */
  overLimit?: true;
}

/** The worker could not be reached, or kept failing, through every attempt. */
export class WorkerUnavailable extends Error {
  override name = "WorkerUnavailable";
}

/** What answers at `workerUrl` is not a Vigie worker's API (a web page, TLS against plain HTTP): not retried. */
export class NotTheWorker extends Error {
  override name = "NotTheWorker";
}

/** The backoff before retry number `retry` (1-based): exponential, capped, then "equal jitter" (half fixed, half random). */
export function backoffMs(
  retry: number,
  policy: AgentConfig["retry"],
  random: () => number,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retry - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Whether an error thrown by fetch is the network's (undici's TypeError "fetch failed", an abort or a timeout). */
export function isNetworkError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e instanceof TypeError || e.name === "AbortError" || e.name === "TimeoutError";
}

const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

/** Longest Retry-After waited for within one run; beyond it the run gives up and the next one retries. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A request of this run: once one request gave up on the worker, the next ones try once instead of
 * spending the whole retry budget again (a run during an outage would otherwise last a budget per
 * request: the upload, then closing the run); an answer restores the budget.
 */
export async function askWorker(ctx: Context, req: HttpRequest): Promise<HttpAnswer> {
  const attempts = ctx.workerGaveUp ? 1 : ctx.config.retry.attempts;
  try {
    const answer = await request(ctx.deps, ctx.config, req, ctx.info, attempts);
    ctx.workerGaveUp = false;
    return answer;
  } catch (e) {
    if (e instanceof WorkerUnavailable) ctx.workerGaveUp = true;
    throw e;
  }
}

export async function request(
  deps: Deps,
  config: AgentConfig,
  req: HttpRequest,
  log: (line: string) => void,
  attempts = config.retry.attempts,
): Promise<HttpAnswer> {
  const url = config.workerUrl + req.path;
  let lastProblem = "";
  for (let attempt = 1; ; attempt++) {
    let wait: number | undefined;
    // A timer cleared once answered (AbortSignal.timeout would keep every request's signal alive
    // for the whole timeout: thousands of them on a long backlog).
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(Object.assign(new Error("timeout"), { name: "TimeoutError" })),
      config.timeoutMs,
    );
    try {
      const res = await deps.fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${req.token}`,
          "user-agent": `vigie-agent/${AGENT_VERSION}`,
          ...req.headers,
        },
        body: req.body,
        signal: abort.signal,
      });
      const answer = await readAnswer(res);
      if (answer.overLimit && req.overLimitIsAnswer) return answer;
      if (!retryable(res.status)) {
        if (answer.json === null) throw new NotTheWorker(notTheApi(req, config, answer, res));
        return answer;
      }
      lastProblem = `HTTP ${res.status}${answer.message ? `: ${answer.message}` : ""}`;
      wait = retryAfterMs(res.headers.get("retry-after"), deps.now());
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      const mismatch = protocolMismatch(e as Error, config);
      if (mismatch !== null) throw new NotTheWorker(`${req.what}: ${mismatch}`);
      const certificate = certificateProblem(e as Error, config);
      if (certificate !== null) throw new WorkerUnavailable(`${req.what}: ${certificate}`);
      lastProblem = describeNetworkError(e as Error, config);
    } finally {
      clearTimeout(timer);
    }
    if (attempt >= attempts) {
      throw new WorkerUnavailable(
        `${req.what}: ${lastProblem} (gave up after ${attempt} attempt${attempt > 1 ? "s" : ""})`,
      );
    }
    if (wait !== undefined && wait > MAX_RETRY_AFTER_MS) {
      throw new WorkerUnavailable(
        `${req.what}: ${lastProblem}; the worker asks to retry in ${Math.round(wait / 1000)} s, left to the next run`,
      );
    }
    const delay = Math.max(wait ?? 0, backoffMs(attempt, config.retry, deps.random));
    log(
      `${req.what}: ${lastProblem}; retry ${attempt} of ${attempts - 1} in ${(delay / 1000).toFixed(1)} s`,
    );
    await deps.sleep(delay);
  }
}

async function readAnswer(res: HttpResponse): Promise<HttpAnswer> {
  const text = await res.text();
  const contentType = res.headers.get("content-type") ?? "";
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): its title, or the start of the text, is the message.
  }
  const err = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (err && typeof err.message === "string") {
    return {
      status: res.status,
      contentType,
      json,
      message: err.message,
      code: typeof err.code === "string" ? err.code : undefined,
    };
  }
  const overLimit = res.status === 503 && json === null && /\b1102\b/.test(text);
  return {
    status: res.status,
    contentType,
    json,
    message: json === null ? gist(text) : "",
    ...(overLimit ? { overLimit: true as const } : {}),
  };
}

/** A page in a few words: its <title>, else the start of its text without tags. */
function gist(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const words = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return words.length > 120 ? `${words.slice(0, 117)}...` : words;
}

function notTheApi(
  req: HttpRequest,
  config: AgentConfig,
  answer: HttpAnswer,
  res: HttpResponse,
): string {
  const location = res.headers.get("location");
  const what = [
    `HTTP ${answer.status}`,
    answer.contentType.split(";")[0] || "no content type",
    answer.message ? JSON.stringify(answer.message) : "",
    location ? `redirecting to ${location}` : "",
  ].filter(Boolean);
  return `${req.what}: ${config.workerUrl} does not answer as a Vigie worker (${what.join(", ")}; its API answers JSON). "workerUrl" must be the worker's own address, e.g. https://vigie.example.workers.dev, not a report page; nothing was sent.`;
}

const causeOf = (e: Error) => (e as { cause?: { code?: string; message?: string } }).cause;

/** TLS spoken to a plain-HTTP port, or plain HTTP to a TLS port: a wrong `workerUrl`, never mended by retrying. */
function protocolMismatch(e: Error, config: AgentConfig): string | null {
  const cause = causeOf(e);
  const code = cause?.code ?? "";
  const where = new URL(config.workerUrl).host;
  if (
    code === "EPROTO" ||
    code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
    code === "ERR_SSL_PACKET_LENGTH_TOO_LONG"
  ) {
    if (
      /wrong version number|packet length too long|http request|unknown protocol/i.test(
        `${code} ${cause?.message}`,
      )
    )
      return `${config.workerUrl} is an https URL, but ${where} does not speak TLS (it answered in plain HTTP?): use http://, or the server's TLS port`;
  }
  if (code === "ERR_VIGIE_TLS_PORT")
    return `${config.workerUrl} is an http URL, but ${where} speaks TLS: use https://`;
  if (code.startsWith("HPE_"))
    return `${where} did not answer in HTTP (${code}); if it speaks TLS there, use https:// in "workerUrl"`;
  return null;
}

const CERTIFICATE_ERRORS = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** A certificate refused: retrying within the run cannot help (the box's clock, its CA bundle, the URL). */
function certificateProblem(e: Error, config: AgentConfig): string | null {
  const code = causeOf(e)?.code ?? "";
  if (!CERTIFICATE_ERRORS.has(code)) return null;
  const clock = code === "CERT_NOT_YET_VALID" || code === "CERT_HAS_EXPIRED";
  return `the TLS certificate of ${new URL(config.workerUrl).host} was refused (${code})${clock ? "; is the box's clock right?" : ""}; not retried, the next run tries again`;
}

function describeNetworkError(e: Error, config: AgentConfig): string {
  if (e.name === "TimeoutError" || e.name === "AbortError")
    return `no answer within ${config.timeoutMs / 1000} s`;
  const cause = causeOf(e);
  const detail = cause?.code ?? cause?.message ?? e.message;
  return `cannot reach ${config.workerUrl} (${detail})`;
}
