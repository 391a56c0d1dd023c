/**
 * Cloudflare API v4 DNS records (developers.cloudflare.com/api/resources/dns/subresources/records):
 * list by name and type, PATCH by id (unspecified fields unchanged), POST when the record is
 * missing. Bearer API token with Zone → DNS → Edit on the zone. Every answer is the envelope
 * `{ success, errors: [{ code, message }], messages, result }`; `success: false` is a failure
 * whatever the HTTP status. DNS-only records get TTL 60 (the minimum); proxied ones keep 1 (auto).
 */
import type { DnsProvider, ProviderOptions, ProviderResult, RecordRef, RecordState } from "./types";
import { call, failure } from "./types";

export const CLOUDFLARE_BASE = "https://api.cloudflare.com/client/v4";

interface Envelope<T> {
  success?: boolean;
  errors?: { code: number; message: string }[];
  result?: T;
}

interface CfRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  proxied?: boolean;
  ttl?: number;
}

export function cloudflare(opts: ProviderOptions): DnsProvider {
  const base = (opts.base || CLOUDFLARE_BASE).replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${opts.token}`, "content-type": "application/json" };
  const records = (zone: string) => `${base}/zones/${encodeURIComponent(zone)}/dns_records`;

  async function request<T>(
    url: string,
    init: RequestInit,
    what: string,
  ): Promise<ProviderResult<T>> {
    const got = await call(opts, url, { ...init, headers });
    if ("error" in got) return failure(got, what);
    let env: Envelope<T> | null = null;
    try {
      env = JSON.parse(got.text) as Envelope<T>;
    } catch {
      // Not JSON (a proxy's error page): reported with its status below.
    }
    if (!got.res.ok || env?.success !== true) {
      const errs = env?.errors?.map((e) => `${e.code} ${e.message}`).join("; ");
      return failure(got, `${what}: HTTP ${got.res.status}${errs ? ` (${errs})` : ""}`);
    }
    return { ok: true, value: env.result as T, status: got.res.status };
  }

  return {
    name: "cloudflare",
    ttl: 60,
    async read(ref: RecordRef): Promise<ProviderResult<RecordState>> {
      const q = new URLSearchParams({ type: ref.type, name: ref.record });
      const r = await request<CfRecord[]>(
        `${records(ref.zone)}?${q}`,
        { method: "GET" },
        `list ${ref.type} ${ref.record}`,
      );
      if (!r.ok) return r;
      const rec = (r.value ?? []).find(
        (x) => x.type === ref.type && x.name.toLowerCase() === ref.record.toLowerCase(),
      );
      return {
        ok: true,
        status: r.status,
        value: rec ? { content: rec.content, id: rec.id, proxied: rec.proxied } : { content: null },
      };
    },
    async write(
      ref: RecordRef,
      content: string,
      current: RecordState,
      note: string,
    ): Promise<ProviderResult<null>> {
      const ttl = current.proxied ? 1 : 60;
      const r = current.id
        ? await request<CfRecord>(
            `${records(ref.zone)}/${encodeURIComponent(current.id)}`,
            { method: "PATCH", body: JSON.stringify({ content, ttl, comment: note }) },
            `PATCH ${ref.record}`,
          )
        : await request<CfRecord>(
            records(ref.zone),
            {
              method: "POST",
              body: JSON.stringify({
                type: ref.type,
                name: ref.record,
                content,
                ttl,
                proxied: false,
                comment: note,
              }),
            },
            `POST ${ref.record}`,
          );
      return r.ok ? { ok: true, value: null, status: r.status } : r;
    },
  };
}
