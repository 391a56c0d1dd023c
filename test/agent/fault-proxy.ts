// A loopback proxy in front of the worker that misbehaves on purpose: fails chosen requests with a
// status (and headers), or holds the worker's answer back for a while after the worker applied it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  n: number;
  method: string;
  url: string;
  authorization: string;
}

export type Fault =
  /** Forward, adding these headers (as Cloudflare's edge adds CF-Connecting-IP). */
  | { kind: "pass"; headers?: Record<string, string> }
  | { kind: "fail"; status: number; headers?: Record<string, string>; body?: string }
  /** Forward, let the worker answer, then hold that answer `ms` before replying. */
  | { kind: "hold"; ms: number }
  /** Forward, let the worker answer (and commit), then reply this instead. */
  | { kind: "replace"; status: number; contentType: string; body: string };

export interface FaultProxy {
  url: string;
  seen: ProxiedRequest[];
  /** Called when a request was forwarded and the worker answered (before any hold). */
  onForwarded?: (r: ProxiedRequest, status: number) => void;
  close(): Promise<void>;
}

export async function startFaultProxy(
  target: string,
  plan: (r: ProxiedRequest) => Fault,
): Promise<FaultProxy> {
  const seen: ProxiedRequest[] = [];
  const proxy: FaultProxy = { url: "", seen, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", async () => {
      const r = {
        n: seen.length + 1,
        method: req.method ?? "GET",
        url: req.url ?? "/",
        authorization: req.headers.authorization ?? "",
      };
      seen.push(r);
      const fault = plan(r);
      if (fault.kind === "fail") {
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        res.end(
          fault.body ??
            JSON.stringify({ error: { code: "internal", message: `injected ${fault.status}` } }),
        );
        return;
      }
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === "string" && k !== "host" && k !== "connection" && k !== "content-length")
            headers[k] = v;
        if (fault.kind === "pass") Object.assign(headers, fault.headers);
        const upstream = await fetch(target + r.url, {
          method: r.method,
          headers,
          body: parts.length ? Buffer.concat(parts) : undefined,
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        proxy.onForwarded?.(r, upstream.status);
        if (fault.kind === "hold") await new Promise((ok) => setTimeout(ok, fault.ms));
        if (fault.kind === "replace") {
          res.writeHead(fault.status, { "content-type": fault.contentType });
          res.end(fault.body);
          return;
        }
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "application/json",
        });
        res.end(body);
      } catch (e) {
        res.writeHead(502);
        res.end(String(e));
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return proxy;
}
