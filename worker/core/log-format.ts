/**
 * Log formats as data: a preset name or an Apache `LogFormat` / nginx `log_format` string is
 * compiled once into a list of steps (literals and fields) that `scanLine` walks over a line's bytes.
 */

/** The fields the analysis understands; every other directive is matched and ignored. */
export const FIELDS = [
  "host",
  "time",
  "request",
  "method",
  "path",
  "query",
  "protocol",
  "status",
  "bytes",
  "referer",
  "userAgent",
  "vhost",
  "duration",
] as const;
export type Field = (typeof FIELDS)[number];
/** Index of a field in a span array (start at 2i, end at 2i+1). */
export const F = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as { [K in Field]: number };

export const PRESETS = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  nginx:
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
} as const;
export type PresetName = keyof typeof PRESETS;

/** How a duration field is expressed, to turn it into milliseconds. */
export type DurationUnit = "us" | "ms" | "s";

export type Step =
  | { kind: "literal"; text: string }
  | { kind: "field"; field: Field | null; quoted: boolean; unit?: DurationUnit };

/**
 * The steps flattened for the per-line loop: the literal before the first field, then for each
 * field its span slot (2·F[field], -1 when ignored), whether it is quoted, the literal after it
 * ("" at the end of the format), and whether that literal is the format's final closing quote.
 */
export interface ScanPlan {
  lead: string;
  slots: Int32Array;
  quoted: Uint8Array;
  after: string[];
  closingQuote: Uint8Array;
  /** `lead` and `after` as UTF-8 bytes. */
  leadBytes: Uint8Array;
  afterBytes: Uint8Array[];
  /**
   * Index of the first of the five fields that end the combined family's formats (Apache
   * combined and vhost_combined, nginx's default): `"request" status bytes "referer" "agent"`,
   * which scanLine reads with its literals built in; -1 when the format does not end so.
   */
  tailAt: number;
  /**
   * Index of the first of the four fields that open Apache's common family (common, combined,
   * vhost_combined after its vhost): `%h %l %u %t "`, which scanLine reads with its literals
   * built in; -1 when the format has no such run.
   */
  headAt: number;
  /**
   * The format opens with nginx's default `$remote_addr - $remote_user [$time_local] "`: the line
   * scanner (line-scanner.ts) reads that head too.
   */
  nginxHead: boolean;
}

export interface CompiledFormat {
  source: string;
  steps: Step[];
  plan: ScanPlan;
  /** Fields present; the analysis needs at least host, time, status and (request or path). */
  has: ReadonlySet<Field>;
}

export type CompileResult = { ok: true; format: CompiledFormat } | { ok: false; error: string };

const APACHE: Record<string, Field | null> = {
  h: "host",
  a: "host",
  t: "time",
  r: "request",
  s: "status",
  b: "bytes",
  B: "bytes",
  O: "bytes",
  v: "vhost",
  V: "vhost",
  D: "duration",
  T: "duration",
  m: "method",
  U: "path",
  q: "query",
  H: "protocol",
  l: null,
  u: null,
  p: null,
  P: null,
  X: null,
  k: null,
  L: null,
  I: null,
  S: null,
  e: null,
  f: null,
  A: null,
  R: null,
  C: null,
  n: null,
  o: null,
  i: null,
};

const NGINX: Record<string, Field | null> = {
  remote_addr: "host",
  binary_remote_addr: null,
  http_x_forwarded_for: null,
  remote_user: null,
  time_local: "time",
  request: "request",
  status: "status",
  body_bytes_sent: "bytes",
  bytes_sent: "bytes",
  http_referer: "referer",
  http_user_agent: "userAgent",
  host: "vhost",
  http_host: "vhost",
  server_name: "vhost",
  request_time: "duration",
  request_method: "method",
  uri: "path",
  document_uri: "path",
  request_uri: "path",
  args: "query",
  query_string: "query",
  server_protocol: "protocol",
};

/** Compiles a preset name or a format string; never throws. */
export function compileLogFormat(spec: string): CompileResult {
  const source = spec in PRESETS ? PRESETS[spec as PresetName] : spec;
  const tokens = source.includes("%") ? tokenizeApache(source) : tokenizeNginx(source);
  if (typeof tokens === "string") return { ok: false, error: tokens };
  const steps: Step[] = [];
  for (const t of tokens) {
    const last = steps[steps.length - 1];
    if (t.kind === "literal") {
      if (last?.kind === "literal") last.text += t.text;
      else if (t.text) steps.push({ ...t });
    } else {
      if (last?.kind === "field")
        return { ok: false, error: "two fields with nothing between them cannot be told apart" };
      steps.push(t);
    }
  }
  // A field is quoted when the literals around it end and start with a double quote.
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.kind !== "field") continue;
    const before = steps[i - 1];
    const after = steps[i + 1];
    s.quoted =
      before?.kind === "literal" &&
      before.text.endsWith('"') &&
      after?.kind === "literal" &&
      after.text.startsWith('"');
  }
  const has = new Set<Field>();
  for (const s of steps)
    if (s.kind === "field" && s.field) {
      if (has.has(s.field)) return { ok: false, error: `field ${s.field} appears twice` };
      has.add(s.field);
    }
  const missing = (["host", "time", "status"] as Field[]).filter((f) => !has.has(f));
  if (!has.has("request") && !has.has("path")) missing.push("request");
  if (missing.length) return { ok: false, error: `format lacks ${missing.join(", ")}` };
  return { ok: true, format: { source, steps, has, plan: planOf(steps) } };
}

/** Apache's `%h %l %u %t "`: the fields (%l and %u are read and ignored) and the literals after them. */
const HEAD = {
  slots: ["host", null, null, "time"] as (Field | null)[],
  after: [" ", " ", " ", ' "'],
};

/** nginx's default head, `$remote_addr - $remote_user [$time_local] "` ($remote_user read and ignored). */
const NGINX_HEAD = {
  slots: ["host", null, "time"] as (Field | null)[],
  after: [" - ", " [", '] "'],
};

/** The combined family's last five fields and the literals after them (the first is quoted: a `"` opens it). */
const TAIL = {
  slots: ["request", "status", "bytes", "referer", "userAgent"] as Field[],
  after: ['" ', " ", ' "', '" "', '"'],
};

function planOf(steps: Step[]): ScanPlan {
  const fields = steps.flatMap((s, i) => (s.kind === "field" ? [i] : []));
  const lit = (i: number) => {
    const s = steps[i];
    return s?.kind === "literal" ? s.text : "";
  };
  const lead = fields[0] > 0 ? lit(0) : "";
  const after = fields.map((i) => lit(i + 1));
  const utf8 = new TextEncoder();
  const tailAt = fields.length - TAIL.slots.length;
  const tailed =
    tailAt >= 0 &&
    TAIL.slots.every((f, k) => {
      const s = steps[fields[tailAt + k]] as Extract<Step, { kind: "field" }>;
      return s.field === f && after[tailAt + k] === TAIL.after[k];
    }) &&
    (tailAt > 0 ? after[tailAt - 1] : lead).endsWith('"');
  const field = (k: number) => (steps[fields[k]] as Extract<Step, { kind: "field" }>).field;
  /** Whether the fields from `at` on are the run's, with its literals after them. */
  const runAt = (run: typeof HEAD, at: number) =>
    at + run.slots.length <= fields.length &&
    run.slots.every((f, k) => field(at + k) === f && after[at + k] === run.after[k]);
  return {
    tailAt: tailed ? tailAt : -1,
    headAt: fields.findIndex((_, at) => runAt(HEAD, at)),
    nginxHead: lead === "" && runAt(NGINX_HEAD, 0),
    lead,
    leadBytes: utf8.encode(lead),
    afterBytes: after.map((a) => utf8.encode(a)),
    slots: Int32Array.from(fields, (i) => {
      const s = steps[i] as Extract<Step, { kind: "field" }>;
      return s.field === null ? -1 : 2 * F[s.field];
    }),
    quoted: Uint8Array.from(fields, (i) =>
      (steps[i] as Extract<Step, { kind: "field" }>).quoted ? 1 : 0,
    ),
    after,
    closingQuote: Uint8Array.from(fields, (i) =>
      (steps[i] as Extract<Step, { kind: "field" }>).quoted &&
      i + 2 === steps.length &&
      lit(i + 1) === '"'
        ? 1
        : 0,
    ),
  };
}

function tokenizeApache(src: string): Step[] | string {
  const out: Step[] = [];
  let lit = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c !== "%") {
      lit += c;
      continue;
    }
    i++;
    if (src[i] === "%") {
      lit += "%";
      continue;
    }
    // modifiers: status conditions (400,501 or !200) and < > before the letter
    while (i < src.length && /[0-9,!<>]/.test(src[i])) i++;
    let arg = "";
    if (src[i] === "{") {
      const close = src.indexOf("}", i);
      if (close < 0) return `unclosed %{ at ${i}`;
      arg = src.slice(i + 1, close);
      i = close + 1;
    }
    const d = src[i];
    if (d === undefined) return "format ends inside a directive";
    let field: Field | null;
    let unit: DurationUnit | undefined;
    if (d === "i") {
      const h = arg.toLowerCase();
      field =
        h === "referer"
          ? "referer"
          : h === "user-agent"
            ? "userAgent"
            : h === "host"
              ? "vhost"
              : null;
    } else if (d === "t" && arg) {
      return `custom time format %{${arg}}t is not supported: use %t`;
    } else if (d in APACHE) {
      field = APACHE[d];
      if (d === "D") unit = "us";
      if (d === "T") unit = arg === "ms" ? "ms" : arg === "us" ? "us" : "s";
    } else {
      return `unknown directive %${d}`;
    }
    if (lit) out.push({ kind: "literal", text: lit });
    lit = "";
    out.push({ kind: "field", field, quoted: false, unit });
  }
  if (lit) out.push({ kind: "literal", text: lit });
  return out;
}

function tokenizeNginx(src: string): Step[] | string {
  const out: Step[] = [];
  const re = /\$\{?([a-z_0-9]+)\}?/g;
  let at = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m.index > at) out.push({ kind: "literal", text: src.slice(at, m.index) });
    const name = m[1];
    const field = name in NGINX ? NGINX[name] : null;
    out.push({ kind: "field", field, quoted: false, unit: field === "duration" ? "s" : undefined });
    at = m.index + m[0].length;
  }
  if (at < src.length) out.push({ kind: "literal", text: src.slice(at) });
  if (!out.some((s) => s.kind === "field")) return "no fields in format";
  return out;
}
