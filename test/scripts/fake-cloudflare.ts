/**
 * Cloudflare's REST API v4, faked on loopback for `npm run deploy`'s test: the project's own
 * wrangler pointed at it with CLOUDFLARE_API_BASE_URL (wrangler reads it for every API call) and a
 * CLOUDFLARE_API_TOKEN. Only the endpoints a deploy of Vigie uses, each answering as Cloudflare's
 * API reference describes it (developers.cloudflare.com/api): the `{ success, errors, messages,
 * result }` envelope, `result_info` on lists, error codes 10007 (no such Worker), 7404 (no such
 * D1 database) and 7003 (no route). D1 remembers its databases and, per database, the migrations
 * recorded in `d1_migrations` (the one table wrangler reads back); other SQL is recorded, not run.
 * Every request is kept in `calls`, for the test to check what was asked, in what order.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { randomUUID } from "node:crypto";

export interface Call {
  method: string;
  path: string;
  status: number;
  /** JSON bodies parsed; multipart uploads summarised by their parts' names. */
  body: unknown;
}

interface Database {
  uuid: string;
  name: string;
  created_at: string;
  migrations: string[];
  statements: string[];
}

interface Script {
  id: string;
  created_on: string;
  modified_on: string;
  bindings: { name: string; type: string; [k: string]: unknown }[];
  secrets: Map<string, string>;
  crons: string[];
  subdomainEnabled: boolean;
  mainModule: string;
  /** Newest first, one per upload: `{ id, created_on, source, strategy, versions, annotations }`. */
  deployments: Record<string, unknown>[];
}

const ok = (result: unknown, extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: { success: true, errors: [], messages: [], result, ...extra },
});
const fail = (status: number, code: number, message: string) => ({
  status,
  body: { success: false, errors: [{ code, message }], messages: [], result: null },
});

export class FakeCloudflare {
  readonly token = "fake-api-token";
  readonly account = { id: "a1b2c3d4e5f60718293a4b5c6d7e8f90", name: "Owner's account" };
  readonly subdomain = "owner";
  databases: Database[] = [];
  scripts = new Map<string, Script>();
  calls: Call[] = [];
  private server?: Server;
  url = "";

  async listen(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const raw = await read(req);
      const url = new URL(req.url ?? "/", "http://fake");
      const { status, body, parsed } = this.route(req, url, raw);
      this.calls.push({
        method: req.method ?? "",
        path: url.pathname + url.search,
        status,
        body: parsed,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/client/v4`;
    return this.url;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private route(
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
  ): { status: number; body: unknown; parsed: unknown } {
    const type = req.headers["content-type"] ?? "";
    const parsed = type.startsWith("multipart/form-data")
      ? multipartSummary(raw, type)
      : raw.length
        ? tryJson(raw.toString("utf8"))
        : null;
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return { ...fail(403, 9109, "Invalid access token"), parsed };
    const path = url.pathname.replace(/^\/client\/v4/, "");
    const m = req.method ?? "GET";
    const acc = `/accounts/${this.account.id}`;
    let answer: { status: number; body: unknown } | undefined;
    let g: RegExpExecArray | null;

    if (m === "GET" && path === "/user/tokens/verify")
      answer = ok({ id: "fake-token-id", status: "active" });
    else if (m === "GET" && path === "/user")
      answer = fail(403, 9109, "Unauthorized to access requested resource"); // an API token without User Details
    else if (m === "GET" && (path === "/accounts" || path === "/memberships"))
      answer = ok(
        path === "/accounts"
          ? [{ id: this.account.id, name: this.account.name }]
          : [
              {
                id: "m1",
                account: { id: this.account.id, name: this.account.name },
                status: "accepted",
              },
            ],
        { result_info: { page: 1, per_page: 50, count: 1, total_count: 1 } },
      );
    // D1 (developers.cloudflare.com/api/resources/d1/subresources/database/)
    else if (m === "GET" && path === `${acc}/d1/database`) {
      const name = url.searchParams.get("name");
      const list = this.databases.filter((d) => !name || d.name === name).map(dbView);
      const perPage = Number(url.searchParams.get("per_page") ?? 100);
      const page = Number(url.searchParams.get("page") ?? 1);
      answer = ok(list.slice((page - 1) * perPage, page * perPage), {
        result_info: { page, per_page: perPage, count: list.length, total_count: list.length },
      });
    } else if (m === "POST" && path === `${acc}/d1/database`) {
      const name = (parsed as { name?: string })?.name ?? "";
      if (this.databases.some((d) => d.name === name))
        answer = fail(400, 7502, `A database with that name already exists`);
      else {
        const db: Database = {
          uuid: randomUUID(),
          name,
          created_at: new Date().toISOString(),
          migrations: [],
          statements: [],
        };
        this.databases.push(db);
        answer = ok(dbView(db));
      }
    } else if ((g = /^\/accounts\/[^/]+\/d1\/database\/([^/]+)(\/query|\/raw)?$/.exec(path))) {
      const db = this.databases.find((d) => d.uuid === g![1] || d.name === g![1]);
      if (!db) answer = fail(404, 7404, "The database could not be found");
      else if (!g[2] && m === "GET") answer = ok(dbView(db));
      else if (g[2] && m === "POST") answer = ok(this.query(db, parsed as { sql: string }));
    }
    // Workers scripts (developers.cloudflare.com/api/resources/workers/subresources/scripts/)
    else if (m === "GET" && path === `${acc}/workers/subdomain`)
      answer = ok({ subdomain: this.subdomain });
    else if ((g = /^\/accounts\/[^/]+\/workers\/(services|scripts)\/([^/]+)(\/.*)?$/.exec(path))) {
      answer = this.worker(m, g[1], g[2], g[3] ?? "", parsed);
    }
    return { ...(answer ?? fail(404, 7003, `No route for that URI: ${m} ${path}`)), parsed };
  }

  /** `POST …/query`: `{ sql, params }` → one result per statement, as D1 answers. */
  private query(db: Database, q: { sql: string }) {
    const sql = q?.sql ?? "";
    db.statements.push(sql);
    for (const m of sql.matchAll(/INSERT INTO d1_migrations \(name\)\s+values \('([^']+)'\)/gi))
      db.migrations.push(m[1]);
    const meta = { changed_db: false, changes: 0, duration: 0.1, rows_read: 0, rows_written: 0 };
    // What wrangler reads back: the applied migrations; and a new row's id (`RETURNING id`).
    const results = /SELECT\s+\*?\s*(name\s+)?FROM\s+d1_migrations/i.test(sql)
      ? db.migrations.map((name, i) => ({ id: i + 1, name, applied_at: db.created_at }))
      : /RETURNING id\s*;?\s*$/i.test(sql)
        ? [{ id: db.statements.length }]
        : [];
    return [{ results, success: true, meta }];
  }

  /** Stores an upload's bindings and secrets; returns the new version's id (a UUID). */
  private upload(
    name: string,
    script: Script | undefined,
    upload: MultipartSummary,
  ): { version: string; next: Script } {
    const meta = (upload.metadata ?? {}) as {
      main_module?: string;
      bindings?: Script["bindings"];
      keep_bindings?: string[];
    };
    const now = new Date().toISOString();
    const next: Script = script ?? {
      id: name,
      created_on: now,
      modified_on: now,
      bindings: [],
      secrets: new Map(),
      crons: [],
      subdomainEnabled: false,
      mainModule: "",
      deployments: [],
    };
    next.modified_on = now;
    next.mainModule = meta.main_module ?? "";
    const bindings = meta.bindings ?? [];
    // Secrets persist across uploads that carry none (`wrangler secret put` then `wrangler deploy`);
    // an upload that carries some replaces them, but for those it keeps (keep_bindings) or inherits.
    const inherited = new Set(bindings.filter((b) => b.type === "inherit").map((b) => b.name));
    const carries = bindings.some((b) => b.type === "secret_text");
    if (carries && !meta.keep_bindings?.includes("secret_text"))
      for (const n of [...next.secrets.keys()]) if (!inherited.has(n)) next.secrets.delete(n);
    for (const b of bindings)
      if (b.type === "secret_text") next.secrets.set(b.name, String(b.text));
    next.bindings = bindings.filter((b) => b.type !== "secret_text" && b.type !== "inherit");
    this.scripts.set(name, next);
    return { version: randomUUID(), next };
  }

  private deploy(
    script: Script,
    version: string,
    versions = [{ version_id: version, percentage: 100 }],
  ): Record<string, unknown> {
    const d = {
      id: randomUUID(),
      created_on: new Date().toISOString(),
      source: "wrangler",
      strategy: "percentage",
      author_email: "owner@example.org",
      annotations: { "workers/triggered_by": "deployment" },
      versions,
    };
    script.deployments.unshift(d);
    return d;
  }

  private worker(
    m: string,
    kind: string,
    name: string,
    rest: string,
    body: unknown,
  ): { status: number; body: unknown } | undefined {
    const script = this.scripts.get(name);
    const missing = fail(404, 10007, "This Worker does not exist on your account.");
    if (kind === "services" && m === "GET" && rest === "")
      return script
        ? ok({
            id: name,
            default_environment: { environment: "production", script: scriptView(name, script) },
          })
        : fail(404, 10090, "workers.api.error.service_not_found");
    if (rest === "" && m === "PUT") {
      // Upload a Worker module (the first deploy): the script, its bindings, a deployment at 100 %.
      const { version, next } = this.upload(name, script, body as MultipartSummary);
      this.deploy(next, version);
      return ok({ ...scriptView(name, next), startup_time_ms: 12, deployment_id: version });
    }
    if (!script) return missing;
    if (rest === "/versions" && m === "POST") {
      // Upload a version (later deploys): not live until a deployment names it.
      const { version, next } = this.upload(name, script, body as MultipartSummary);
      return ok({
        id: version,
        number: next.deployments.length + 1,
        metadata: { author_email: "owner@example.org", source: "wrangler", has_preview: false },
        resources: {
          script: { etag: "e1", handlers: ["fetch", "scheduled"], last_deployed_from: "wrangler" },
          bindings: next.bindings,
        },
        startup_time_ms: 12,
      });
    }
    if (rest === "/deployments" && m === "POST") {
      const d = body as { versions: { version_id: string; percentage: number }[] };
      return ok(this.deploy(script, d.versions[0].version_id, d.versions));
    }
    if (rest === "/script-settings" && m === "PATCH")
      return ok({
        logpush: false,
        tail_consumers: null,
        observability: { enabled: false },
        ...(body as object),
      });
    if (rest === "/deployments" && m === "GET") return ok({ deployments: script.deployments });
    if (rest === "/secrets" && m === "GET")
      return ok([...script.secrets.keys()].map((n) => ({ name: n, type: "secret_text" })));
    if (rest === "/settings" && m === "GET")
      return ok({
        bindings: [
          ...script.bindings,
          ...[...script.secrets.keys()].map((n) => ({ name: n, type: "secret_text" })),
        ],
        logpush: false,
        tail_consumers: null,
      });
    if (rest === "/schedules" && m === "PUT") {
      script.crons = ((body as { cron: string }[]) ?? []).map((s) => s.cron);
      return ok({
        schedules: script.crons.map((cron) => ({
          cron,
          created_on: script.modified_on,
          modified_on: script.modified_on,
        })),
      });
    }
    if (rest === "/schedules" && m === "GET")
      return ok({ schedules: script.crons.map((cron) => ({ cron })) });
    if (rest === "/subdomain" && m === "GET")
      return ok({ enabled: script.subdomainEnabled, previews_enabled: false });
    if (rest === "/subdomain" && m === "POST") {
      script.subdomainEnabled = (body as { enabled?: boolean })?.enabled ?? true;
      return ok({ enabled: script.subdomainEnabled, previews_enabled: false });
    }
    return undefined;
  }
}

function dbView(d: Database) {
  return {
    uuid: d.uuid,
    name: d.name,
    created_at: d.created_at,
    version: "production",
    num_tables: 0,
    file_size: 12288,
  };
}

function scriptView(name: string, s: Script) {
  return {
    id: name,
    created_on: s.created_on,
    modified_on: s.modified_on,
    etag: "e1",
    handlers: ["fetch", "scheduled"],
    has_modules: true,
    usage_model: "standard",
    compatibility_date: "2026-04-26",
  };
}

/** An upload: its parts' names, the `metadata` part parsed, the modules' bytes (not in `calls`' JSON). */
export interface MultipartSummary {
  metadata?: unknown;
  parts: string[];
  modules?: Record<string, Buffer>;
}

/** Splits a Workers upload (multipart/form-data: `metadata`, then one part per module). */
function multipartSummary(raw: Buffer, type: string): MultipartSummary {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  const sep = `--${boundary?.[1] ?? boundary?.[2]}`;
  const out: MultipartSummary = { parts: [] };
  const modules: Record<string, Buffer> = {};
  for (const part of raw.toString("latin1").split(sep)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    out.parts.push(name);
    const content = Buffer.from(
      part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, ""),
      "latin1",
    );
    if (name === "metadata") out.metadata = tryJson(content.toString("utf8"));
    else modules[name] = content;
  }
  // Kept out of the enumerable fields, so that a call's JSON stays small.
  Object.defineProperty(out, "modules", { value: modules, enumerable: false });
  return out;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
