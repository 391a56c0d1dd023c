/**
 * The agent's HTTP client: a small fetch-shaped function over `node:http`/`node:https`. Not the
 * global fetch: loading undici alone adds ~12 MB of RSS to a Node process (40 → 52 MB measured on
 * Node 20), a fifth of the agent's 64 MB budget on a box that shares its memory with the web server.
 */
import * as http from "node:http";
import * as https from "node:https";
import { isIP } from "node:net";
import * as tls from "node:tls";

export interface HttpInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
}

/** The part of a fetch Response the agent reads (a real Response fits it too). */
export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type HttpFetch = (url: string, init: HttpInit) => Promise<HttpResponse>;

/**
 * Errors are thrown as fetch throws them — a TypeError "fetch failed" with the system error as
 * its cause, an AbortError on a timeout — so the retry logic reads both clients alike.
 */
export const nodeFetch: HttpFetch = (url, init) => {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers["content-length"] = Buffer.byteLength(init.body);
    const req = client.request(
      target,
      { method: init.method, headers, signal: init.signal },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("error", (e) => reject(asFetchError(e)));
        res.on("end", () => {
          const body = Buffer.concat(parts).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: {
              get: (name) => {
                const v = res.headers[name.toLowerCase()];
                return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
              },
            },
            text: async () => body,
          });
        });
      },
    );
    req.on("error", async (e) => {
      // A TLS server hangs up on plain HTTP: tell that apart from a network's reset.
      if (
        target.protocol === "http:" &&
        (e as NodeJS.ErrnoException).code === "ECONNRESET" &&
        !init.signal?.aborted &&
        (await speaksTls(target))
      ) {
        const cause = Object.assign(new Error(`${target.host} speaks TLS`), {
          code: "ERR_VIGIE_TLS_PORT",
        });
        return reject(new TypeError("fetch failed", { cause }));
      }
      reject(asFetchError(e));
    });
    req.end(init.body);
  });
};

/** Whether a TLS handshake with the URL's host and port gets an answer (a certificate or an alert). */
function speaksTls(url: URL): Promise<boolean> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 80),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    const done = (yes: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(yes);
    };
    const timer = setTimeout(() => done(false), 5000);
    socket.once("secureConnect", () => done(true));
    socket.once("error", (e: NodeJS.ErrnoException) =>
      done(/alert/i.test(`${e.code ?? ""} ${e.message}`)),
    );
  });
}

function asFetchError(e: Error): Error {
  if (e.name === "AbortError") return e;
  return new TypeError("fetch failed", { cause: e });
}
