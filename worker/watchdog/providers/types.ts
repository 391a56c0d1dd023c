/**
 * One interface over the DNS providers: read the record, write a new content. The drain
 * (worker/watchdog/drain-dns.ts) does read → skip when right → write → read back.
 */
import { retryAfterMs } from "../../net/retry-after";

export interface RecordRef {
  /** Cloudflare's zone id, or the domain for Gandi. */
  zone: string;
  /** Fully qualified name, without the trailing dot. */
  record: string;
  type: "A" | "AAAA";
}

/** The record as the provider holds it; content null when there is none. */
export interface RecordState {
  content: string | null;
  /** Cloudflare's record id (needed to PATCH it). */
  id?: string;
  proxied?: boolean;
}

export type ProviderResult<T> =
  | { ok: true; value: T; status: number }
  | { ok: false; status: number; message: string; body: string; retryAfterMs?: number };

export interface DnsProvider {
  readonly name: "cloudflare" | "gandi";
  /** The TTL this provider's records are written with. */
  readonly ttl: number;
  read(ref: RecordRef): Promise<ProviderResult<RecordState>>;
  write(
    ref: RecordRef,
    content: string,
    current: RecordState,
    note: string,
  ): Promise<ProviderResult<null>>;
}

export interface ProviderOptions {
  /** Replaces the provider's base URL (DNS_API_BASE). */
  base?: string;
  token: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** Runs one HTTP call; a network error or timeout becomes a failed result (status 0). */
export async function call(
  opts: ProviderOptions,
  url: string,
  init: RequestInit,
): Promise<{ res: Response; text: string } | { error: string }> {
  try {
    const res = await opts.fetch(url, {
      ...init,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    return { res, text: await res.text() };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export function failure(
  got: { res: Response; text: string } | { error: string },
  message: string,
): ProviderResult<never> {
  if ("error" in got)
    return { ok: false, status: 0, message: `${message}: ${got.error}`, body: "" };
  return {
    ok: false,
    status: got.res.status,
    message,
    body: got.text.slice(0, 1000),
    retryAfterMs: retryAfterMs(got.res.headers.get("retry-after"), Date.now()),
  };
}
