/**
 * HTTP to the worker with retries: network errors, timeouts, 5xx, 408 and 429 are retried with
 * exponential backoff and jitter (a 429's or 503's Retry-After is honoured); any other 4xx is an
 * answer, returned at once. Only the errors fetch itself raises count as network errors: anything
 * else thrown under a request is a bug (or a test's simulated crash) and propagates.
 */
import type { AgentConfig } from "./config";
import type { Deps } from "./deps";
import type { HttpResponse } from "./node-http";
import { AGENT_VERSION } from "./version";

export interface HttpRequest {
  method: "GET" | "POST";
  /** Path and query under the worker's URL, e.g. `/api/v1/ingest?site=…`. */
  path: string;
  token: string;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  /** What is being done, for messages ("upload of bytes [0, 4096) of access.log"). */
  what: string;
}

export interface HttpAnswer {
  status: number;
  /** The parsed JSON body, or null. */
  json: unknown;
  /** The error message of a `{ error: { code, message } }` body, else the start of the body. */
  message: string;
  code?: string;
}

/** The worker could not be reached, or kept failing, through every attempt. */
export class WorkerUnavailable extends Error {
  override name = "WorkerUnavailable";
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

/** Retry-After in ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Whether an error thrown by fetch is the network's (undici's TypeError "fetch failed", an abort or a timeout). */
export function isNetworkError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e instanceof TypeError || e.name === "AbortError" || e.name === "TimeoutError";
}

const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

/** Longest Retry-After waited for within one run; beyond it the run gives up and the next one retries. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export async function request(
  deps: Deps,
  config: AgentConfig,
  req: HttpRequest,
  log: (line: string) => void,
): Promise<HttpAnswer> {
  const url = config.workerUrl + req.path;
  let lastProblem = "";
  for (let attempt = 1; ; attempt++) {
    let wait: number | null = null;
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
      if (!retryable(res.status)) return answer;
      lastProblem = `HTTP ${res.status}${answer.message ? `: ${answer.message}` : ""}`;
      wait = retryAfterMs(res.headers.get("retry-after"), deps.now());
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      lastProblem = describeNetworkError(e as Error, config);
    } finally {
      clearTimeout(timer);
    }
    if (attempt >= config.retry.attempts) {
      throw new WorkerUnavailable(
        `${req.what}: ${lastProblem} (gave up after ${attempt} attempt${attempt > 1 ? "s" : ""})`,
      );
    }
    if (wait !== null && wait > MAX_RETRY_AFTER_MS) {
      throw new WorkerUnavailable(
        `${req.what}: ${lastProblem}; the worker asks to retry in ${Math.round(wait / 1000)} s, left to the next run`,
      );
    }
    const delay = Math.max(wait ?? 0, backoffMs(attempt, config.retry, deps.random));
    log(
      `${req.what}: ${lastProblem}; retry ${attempt} of ${config.retry.attempts - 1} in ${(delay / 1000).toFixed(1)} s`,
    );
    await deps.sleep(delay);
  }
}

async function readAnswer(res: HttpResponse): Promise<HttpAnswer> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the text is the message.
  }
  const err = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (err && typeof err.message === "string") {
    return {
      status: res.status,
      json,
      message: err.message,
      code: typeof err.code === "string" ? err.code : undefined,
    };
  }
  return { status: res.status, json, message: json === null ? text.slice(0, 200).trim() : "" };
}

function describeNetworkError(e: Error, config: AgentConfig): string {
  if (e.name === "TimeoutError" || e.name === "AbortError")
    return `no answer within ${config.timeoutMs / 1000} s`;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? e.message;
  return `cannot reach ${config.workerUrl} (${detail})`;
}
