/**
 * Fake third-party APIs for the workerd tests, served through Miniflare's `outboundService`
 * (vitest.config.ts; runs in Node, state in memory). Faithful to the providers' documentation
 * (../shared/WATCHDOG-NOTES.md §2): the same paths, auth, envelopes, TTL rules and error shapes.
 *
 * - Cloudflare API v4 at `https://api.cloudflare.com/client/v4` and `http://dns.fake/client/v4`.
 * - Gandi LiveDNS v5 at `https://api.gandi.net/v5/livedns` and `http://dns.fake/v5/livedns`.
 * - A webhook receiver at `http://hooks.fake/…`.
 * - Control, for the tests: `http://dns.fake/__fake/{reset,state,inject,lie,token}` (JSON).
 *   `lie` makes a provider misbehave the way eventually consistent APIs do, `times` calls long:
 *   `drop-write` answers a write as the API documents a success but does not apply it;
 *   `stale-read` answers a read with the record as it was before its last write.
 * On loopback (scripts/fake-dns.ts, for `wrangler dev`), every host is `dns.fake`, and `/hook…` is the webhook.
 */

interface CfRecord {
  /** The content before the last write (what a stale read serves); not part of the API's record. */
  previous?: string;
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  proxiable: boolean;
  ttl: number;
  comment: string | null;
  tags: string[];
  created_on: string;
  modified_on: string;
}
interface CfZone {
  name: string;
  records: CfRecord[];
}
interface Rrset {
  ttl: number;
  values: string[];
  /** The values before the last write (what a stale read serves). */
  previous?: string[];
}
export interface Call {
  provider: "cloudflare" | "gandi" | "webhook";
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
  status: number;
}
interface Lie {
  provider: "cloudflare" | "gandi";
  kind: "drop-write" | "stale-read";
  times: number;
}
interface Injection {
  provider: "cloudflare" | "gandi" | "webhook";
  method?: string;
  status: number;
  retryAfter?: string;
  times: number;
}

export interface Seed {
  cloudflare?: {
    token?: string;
    zones?: Record<
      string,
      {
        name: string;
        records?: {
          name: string;
          type: string;
          content: string;
          ttl?: number;
          proxied?: boolean;
        }[];
      }
    >;
  };
  gandi?: {
    token?: string;
    domains?: Record<string, Record<string, { ttl?: number; values: string[] }>>;
  };
}

const CF_PREFIX = "/client/v4";
const GANDI_PREFIX = "/v5/livedns";
export const DEFAULT_DNS_TOKEN = "test-dns-token";

const isV4 = (s: string) =>
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s);
const isV6 = (s: string) =>
  s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s) && s.split("::").length <= 2;

const cfEnvelope = (result: unknown, extra: object = {}) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...extra,
});
const cfError = (
  status: number,
  errors: { code: number; message: string }[],
  headers: Record<string, string> = {},
) => Response.json({ success: false, errors, messages: [], result: null }, { status, headers });
const gandiError = (
  status: number,
  object: string,
  cause: string,
  message: string,
  headers: Record<string, string> = {},
) => Response.json({ code: status, message, object, cause }, { status, headers });

export class FakeApis {
  cfToken = DEFAULT_DNS_TOKEN;
  gandiToken = DEFAULT_DNS_TOKEN;
  zones = new Map<string, CfZone>();
  domains = new Map<string, Map<string, Rrset>>();
  calls: Call[] = [];
  webhook: { path: string; body: unknown }[] = [];
  injections: Injection[] = [];
  lies: Lie[] = [];
  private nextId = 1;

  reset(seed: Seed): void {
    this.cfToken = seed.cloudflare?.token ?? DEFAULT_DNS_TOKEN;
    this.gandiToken = seed.gandi?.token ?? DEFAULT_DNS_TOKEN;
    this.zones.clear();
    this.domains.clear();
    this.calls = [];
    this.webhook = [];
    this.injections = [];
    this.lies = [];
    const now = new Date(0).toISOString();
    for (const [zoneId, z] of Object.entries(seed.cloudflare?.zones ?? {})) {
      const records = (z.records ?? []).map((r) => ({
        id: this.newId(),
        zone_id: zoneId,
        zone_name: z.name,
        name: r.name,
        type: r.type,
        content: r.content,
        proxied: r.proxied ?? false,
        proxiable: true,
        ttl: r.ttl ?? 1,
        comment: null,
        tags: [],
        created_on: now,
        modified_on: now,
      }));
      this.zones.set(zoneId, { name: z.name, records });
    }
    for (const [fqdn, rrsets] of Object.entries(seed.gandi?.domains ?? {})) {
      this.domains.set(
        fqdn,
        new Map(
          Object.entries(rrsets).map(([key, r]) => [
            key,
            { ttl: r.ttl ?? 10800, values: [...r.values] },
          ]),
        ),
      );
    }
  }

  private newId(): string {
    return (this.nextId++).toString(16).padStart(32, "0");
  }

  /** The fake's answer, or null when the request is not for it. */
  async handle(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    const loopback =
      url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
    if (loopback && url.pathname.startsWith("/hook"))
      return this.record("webhook", request, url, () => this.hook(request, url));
    const host = loopback ? "dns.fake" : url.hostname;
    if (host === "hooks.fake")
      return this.record("webhook", request, url, () => this.hook(request, url));
    if (host === "dns.fake" && url.pathname.startsWith("/__fake/"))
      return this.control(request, url);
    const cf =
      (host === "api.cloudflare.com" || host === "dns.fake") &&
      url.pathname.startsWith(`${CF_PREFIX}/`);
    const gd =
      (host === "api.gandi.net" || host === "dns.fake") &&
      url.pathname.startsWith(`${GANDI_PREFIX}/`);
    if (cf)
      return this.record("cloudflare", request, url, (body) => this.cloudflare(request, url, body));
    if (gd) return this.record("gandi", request, url, (body) => this.gandi(request, url, body));
    return null;
  }

  private async record(
    provider: Call["provider"],
    request: Request,
    url: URL,
    answer: (body: unknown) => Response | Promise<Response>,
  ): Promise<Response> {
    const text = await request.text();
    let body: unknown = text || null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Kept as text.
    }
    const call: Call = {
      provider,
      method: request.method,
      path: url.pathname + url.search,
      auth: request.headers.get("authorization"),
      body,
      status: 0,
    };
    this.calls.push(call);
    const injected = this.injected(provider, request.method);
    const res = injected ?? (await answer(body));
    call.status = res.status;
    return res;
  }

  private injected(provider: Call["provider"], method: string): Response | null {
    const i = this.injections.find(
      (x) => x.provider === provider && (!x.method || x.method === method) && x.times > 0,
    );
    if (!i) return null;
    i.times--;
    const headers: Record<string, string> = i.retryAfter ? { "retry-after": i.retryAfter } : {};
    if (provider === "cloudflare") {
      if (i.status === 429)
        return cfError(
          429,
          [{ code: 971, message: "Please wait and consider throttling your request speed" }],
          headers,
        );
      return cfError(
        i.status,
        [{ code: 10000 + i.status, message: "Internal server error" }],
        headers,
      );
    }
    if (provider === "gandi") {
      if (i.status === 429)
        return gandiError(
          429,
          "HTTPTooManyRequests",
          "Too Many Requests",
          "Too Many Requests",
          headers,
        );
      return gandiError(
        i.status,
        "HTTPInternalServerError",
        "Internal Server Error",
        "An internal error occurred",
        headers,
      );
    }
    return new Response("webhook receiver down", { status: i.status, headers });
  }

  /** Whether the provider lies on this call (and uses one of its times up). */
  private lying(provider: Lie["provider"], kind: Lie["kind"]): boolean {
    const l = this.lies.find((x) => x.provider === provider && x.kind === kind && x.times > 0);
    if (!l) return false;
    l.times--;
    return true;
  }

  private hook(_request: Request, url: URL): Response {
    // The body was recorded by `record`; keep it in the webhook's own list as well.
    const last = this.calls[this.calls.length - 1];
    this.webhook.push({ path: url.pathname, body: last.body });
    return Response.json({ ok: true });
  }

  private async control(request: Request, url: URL): Promise<Response> {
    const op = url.pathname.slice("/__fake/".length);
    const body =
      request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : {};
    if (op === "reset") this.reset(body as Seed);
    else if (op === "inject")
      this.injections.push({ times: 1, ...(body as Omit<Injection, "times">) } as Injection);
    else if (op === "lie") this.lies.push({ times: 1, ...(body as Omit<Lie, "times">) } as Lie);
    else if (op === "token") {
      if (body.provider === "gandi") this.gandiToken = String(body.token);
      else this.cfToken = String(body.token);
    } else if (op !== "state") return new Response("no such control", { status: 404 });
    return Response.json({
      calls: this.calls,
      webhook: this.webhook,
      cloudflare: Object.fromEntries(
        [...this.zones].map(([id, z]) => [id, z.records.map(({ previous: _, ...r }) => r)]),
      ),
      gandi: Object.fromEntries(
        [...this.domains].map(([d, m]) => [
          d,
          Object.fromEntries([...m].map(([k, { previous: _, ...r }]) => [k, r])),
        ]),
      ),
    });
  }

  // ---- Cloudflare API v4 ----

  private cloudflare(request: Request, url: URL, body: unknown): Response {
    if (request.headers.get("authorization") !== `Bearer ${this.cfToken}`) {
      return cfError(403, [{ code: 10000, message: "Authentication error" }]);
    }
    const path = url.pathname.slice(CF_PREFIX.length);
    const m = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
    const zone = m ? this.zones.get(m[1]) : undefined;
    if (!m || !zone) {
      return cfError(400, [
        {
          code: 7003,
          message: `Could not route to ${path}, perhaps your object identifier is invalid?`,
        },
        { code: 7000, message: "No route for that URI" },
      ]);
    }
    const [, zoneId, recordId] = m;
    if (!recordId && request.method === "GET") {
      const q = url.searchParams;
      const name = q.get("name.exact") ?? q.get("name");
      const type = q.get("type");
      // A stale read needs a write to be stale about: only then does it use a time up.
      const stale =
        zone.records.some((r) => r.previous !== undefined) &&
        this.lying("cloudflare", "stale-read");
      const result = zone.records
        .filter((r) => (!name || r.name === name.toLowerCase()) && (!type || r.type === type))
        .map(({ previous, ...r }) =>
          stale && previous !== undefined ? { ...r, content: previous } : r,
        );
      return Response.json(
        cfEnvelope(result, {
          result_info: {
            page: 1,
            per_page: 100,
            count: result.length,
            total_count: result.length,
            total_pages: 1,
          },
        }),
      );
    }
    if (!recordId && request.method === "POST") {
      const b = (body ?? {}) as Partial<CfRecord>;
      const invalid = this.cfInvalid(b.type ?? "", b.content, b.ttl);
      if (invalid) return invalid;
      const now = new Date().toISOString();
      const rec: CfRecord = {
        id: this.newId(),
        zone_id: zoneId,
        zone_name: zone.name,
        name: String(b.name).toLowerCase(),
        type: String(b.type),
        content: String(b.content),
        proxied: b.proxied ?? false,
        proxiable: true,
        ttl: b.ttl ?? 1,
        comment: b.comment ?? null,
        tags: [],
        created_on: now,
        modified_on: now,
      };
      if (!this.lying("cloudflare", "drop-write")) zone.records.push(rec);
      return Response.json(cfEnvelope(rec));
    }
    const rec = zone.records.find((r) => r.id === recordId);
    if (!rec) return cfError(404, [{ code: 81044, message: "Record does not exist." }]);
    if (request.method === "GET") {
      const { previous, ...shown } = rec;
      const stale = previous !== undefined && this.lying("cloudflare", "stale-read");
      return Response.json(cfEnvelope(stale ? { ...shown, content: previous } : shown));
    }
    if (request.method === "PATCH") {
      const b = (body ?? {}) as Partial<CfRecord>;
      const invalid = this.cfInvalid(rec.type, b.content ?? rec.content, b.ttl ?? rec.ttl);
      if (invalid) return invalid;
      // A dropped write answers exactly as an applied one would.
      const target = this.lying("cloudflare", "drop-write") ? { ...rec } : rec;
      target.previous = rec.content;
      Object.assign(
        target,
        Object.fromEntries(
          Object.entries(b).filter(([k]) =>
            ["content", "ttl", "comment", "proxied", "name", "tags"].includes(k),
          ),
        ),
        { modified_on: new Date().toISOString() },
      );
      const { previous: _, ...shown } = target;
      return Response.json(cfEnvelope(shown));
    }
    return cfError(405, [{ code: 10405, message: "Method not allowed for this record" }]);
  }

  private cfInvalid(type: string, content: unknown, ttl: unknown): Response | null {
    if (typeof ttl === "number" && ttl !== 1 && (ttl < 60 || ttl > 86400)) {
      return cfError(400, [
        {
          code: 9021,
          message: "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.",
        },
      ]);
    }
    if (type === "A" && !isV4(String(content)))
      return cfError(400, [
        { code: 9005, message: "Content for A record must be a valid IPv4 address." },
      ]);
    if (type === "AAAA" && !isV6(String(content)))
      return cfError(400, [
        { code: 9006, message: "Content for AAAA record must be a valid IPv6 address." },
      ]);
    return null;
  }

  // ---- Gandi LiveDNS v5 ----

  private gandi(request: Request, url: URL, body: unknown): Response {
    const auth = request.headers.get("authorization");
    if (auth !== `Bearer ${this.gandiToken}` && auth !== `Apikey ${this.gandiToken}`) {
      return gandiError(
        401,
        "HTTPUnauthorized",
        "Unauthorized",
        "The server could not verify that you are authorized to access the URL requested.",
      );
    }
    const m = /^\/domains\/([^/]+)\/records\/([^/]+)\/([^/]+)$/.exec(
      url.pathname.slice(GANDI_PREFIX.length),
    );
    const domain = m ? this.domains.get(decodeURIComponent(m[1])) : undefined;
    if (!m || !domain)
      return gandiError(404, "HTTPNotFound", "Not Found", "The resource could not be found.");
    const name = decodeURIComponent(m[2]);
    const type = m[3];
    const key = `${name}/${type}`;
    if (request.method === "GET") {
      const r = domain.get(key);
      if (!r)
        return gandiError(404, "HTTPNotFound", "Not Found", "The resource could not be found.");
      const stale = r.previous !== undefined && this.lying("gandi", "stale-read");
      return Response.json({
        rrset_name: name,
        rrset_type: type,
        rrset_ttl: r.ttl,
        rrset_values: stale ? r.previous : r.values,
        rrset_href: `https://api.gandi.net/v5/livedns/domains/${m[1]}/records/${m[2]}/${type}`,
      });
    }
    if (request.method === "PUT") {
      if (request.headers.get("content-type")?.split(";")[0] !== "application/json")
        return gandiError(
          415,
          "HTTPUnsupportedMediaType",
          "Unsupported Media Type",
          "The content type must be application/json.",
        );
      const b = (body ?? {}) as { rrset_values?: unknown; rrset_ttl?: unknown };
      const values = Array.isArray(b.rrset_values) ? b.rrset_values.map(String) : null;
      const ttl = b.rrset_ttl === undefined ? 10800 : b.rrset_ttl;
      const bad = (description: string, field: string) =>
        Response.json(
          {
            code: 400,
            message: "Validation error",
            object: "HTTPBadRequest",
            cause: "Bad Request",
            errors: [{ location: "body", name: field, description }],
          },
          { status: 400 },
        );
      if (!values || values.length === 0)
        return bad("rrset_values must be a non-empty list", "rrset_values");
      if (typeof ttl !== "number" || ttl < 300 || ttl > 2592000)
        return bad("rrset_ttl must be between 300 and 2592000", "rrset_ttl");
      const valid = type === "A" ? isV4 : type === "AAAA" ? isV6 : () => true;
      if (!values.every(valid))
        return bad(`invalid value for a record of type ${type}`, "rrset_values");
      if (!this.lying("gandi", "drop-write"))
        domain.set(key, { ttl, values, previous: domain.get(key)?.values });
      return Response.json({ message: "DNS Record Created" }, { status: 201 });
    }
    if (request.method === "DELETE") {
      domain.delete(key);
      return new Response(null, { status: 204 });
    }
    return gandiError(
      405,
      "HTTPMethodNotAllowed",
      "Method Not Allowed",
      "The method is not allowed for the requested URL.",
    );
  }
}
