/**
 * Gandi LiveDNS v5 (api.gandi.net/docs/livedns): one RRset per name and type, read with GET and
 * replaced whole with PUT `{ rrset_values, rrset_ttl }` (201 "DNS Record Created"); 404 when absent.
 * Bearer personal access token (they expire: a 401 alerts). TTL 300, Gandi's minimum. No
 * conditional write exists, hence the drain's GET → compare → PUT → GET (what ddclient does).
 */
import type { DnsProvider, ProviderOptions, ProviderResult, RecordRef, RecordState } from "./types";
import { call, failure } from "./types";

export const GANDI_BASE = "https://api.gandi.net/v5/livedns";

/** The RRset name of a record inside its domain: "@" for the apex. */
export function rrsetName(record: string, zone: string): string {
  const r = record.toLowerCase().replace(/\.$/, "");
  const z = zone.toLowerCase().replace(/\.$/, "");
  if (r === z) return "@";
  if (!r.endsWith(`.${z}`)) throw new Error(`${record} is not inside the domain ${zone}`);
  return r.slice(0, -(z.length + 1));
}

export function gandi(opts: ProviderOptions): DnsProvider {
  const base = (opts.base || GANDI_BASE).replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${opts.token}`, "content-type": "application/json" };
  const url = (ref: RecordRef) =>
    `${base}/domains/${encodeURIComponent(ref.zone)}/records/${encodeURIComponent(rrsetName(ref.record, ref.zone))}/${ref.type}`;
  const describe = (got: { res: Response; text: string }) => {
    try {
      const e = JSON.parse(got.text) as { message?: string; cause?: string };
      return e.message ? ` (${e.message}${e.cause ? `: ${e.cause}` : ""})` : "";
    } catch {
      return "";
    }
  };

  return {
    name: "gandi",
    ttl: 300,
    async read(ref: RecordRef): Promise<ProviderResult<RecordState>> {
      const got = await call(opts, url(ref), { method: "GET", headers });
      if ("error" in got) return failure(got, `GET ${ref.record}`);
      if (got.res.status === 404) return { ok: true, status: 404, value: { content: null } };
      if (!got.res.ok)
        return failure(got, `GET ${ref.record}: HTTP ${got.res.status}${describe(got)}`);
      try {
        // Several values (round robin) read as one string, so that they never pass for the desired one.
        const values = (JSON.parse(got.text) as { rrset_values?: string[] }).rrset_values ?? [];
        return {
          ok: true,
          status: got.res.status,
          value: { content: values.length ? values.join(" ") : null },
        };
      } catch {
        return failure(got, `GET ${ref.record}: not JSON`);
      }
    },
    async write(ref: RecordRef, content: string): Promise<ProviderResult<null>> {
      const got = await call(opts, url(ref), {
        method: "PUT",
        headers,
        body: JSON.stringify({ rrset_values: [content], rrset_ttl: 300 }),
      });
      if ("error" in got) return failure(got, `PUT ${ref.record}`);
      if (!got.res.ok)
        return failure(got, `PUT ${ref.record}: HTTP ${got.res.status}${describe(got)}`);
      return { ok: true, value: null, status: got.res.status };
    },
  };
}
