// A D1 binding whose database lives in another process: each call is one POST of JSON to a D1 host
// (d1-host.js), which runs it on its own local D1 and answers D1's result as JSON. The bench runs
// the worker's real code in one workerd and its database in a second one, so that the first
// workerd's CPU is the worker's JavaScript alone, as on Cloudflare, where D1 runs elsewhere. What
// this client does per call (JSON of the statements, one request, JSON of the results) is what
// workerd's own D1 client does.

export type HostMode = "batch" | "all" | "run" | "raw" | "rawColumns";

export interface HostRequest {
  mode: HostMode;
  statements: { sql: string; params: unknown[] }[];
}

/**
 * What the client did, by a clock the caller gives (Node's CPU clock in the bench): its JSON
 * (statements out, results in), the requests themselves, and the JSON's size in characters.
 */
export interface ClientMeter {
  now(): number;
  jsonMs: number;
  requestMs: number;
  charsOut: number;
  charsIn: number;
}

export function remoteD1(url: string, meter?: ClientMeter): D1Database {
  const call = async (mode: HostMode, statements: Statement[]): Promise<unknown> => {
    const t0 = meter?.now() ?? 0;
    const body = JSON.stringify({
      mode,
      statements: statements.map((s) => ({ sql: s.sql, params: s.params })),
    } satisfies HostRequest);
    const t1 = meter?.now() ?? 0;
    const res = await fetch(url, { method: "POST", body });
    const text = await res.text();
    const t2 = meter?.now() ?? 0;
    const out = JSON.parse(text) as { error?: string };
    if (meter) {
      meter.jsonMs += t1 - t0 + meter.now() - t2;
      meter.requestMs += t2 - t1;
      meter.charsOut += body.length;
      meter.charsIn += text.length;
    }
    if (res.status !== 200) throw new Error(out.error ?? `D1 host answered ${res.status}`);
    return out;
  };

  class Statement {
    constructor(
      readonly sql: string,
      readonly params: unknown[] = [],
    ) {}
    bind(...params: unknown[]) {
      return new Statement(this.sql, params);
    }
    all() {
      return call("all", [this]);
    }
    run() {
      return call("run", [this]);
    }
    async first(column?: string) {
      const r = (await call("all", [this])) as { results: Record<string, unknown>[] };
      const row = r.results[0];
      if (row === undefined) return null;
      return column === undefined ? row : row[column];
    }
    raw(options?: { columnNames?: boolean }) {
      return call(options?.columnNames ? "rawColumns" : "raw", [this]);
    }
  }

  return {
    prepare: (sql: string) => new Statement(sql),
    batch: (statements: Statement[]) => call("batch", statements),
    exec: () => Promise.reject(new Error("remoteD1: exec is not supported")),
    withSession: () => {
      throw new Error("remoteD1: sessions are not supported");
    },
    dump: () => Promise.reject(new Error("remoteD1: dump is not supported")),
  } as unknown as D1Database;
}
