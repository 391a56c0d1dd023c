/**
 * The fake Cloudflare and Gandi APIs and webhook receiver (test/fakes/dns-providers.ts) on loopback, for a
 * local run of the watchdog under `wrangler dev` (README, "Watchdog"):
 *   npx tsx scripts/fake-dns.ts [PORT]   (default 8789)
 * Cloudflare at http://127.0.0.1:PORT/client/v4, Gandi at http://127.0.0.1:PORT/v5/livedns, the
 * webhook at http://127.0.0.1:PORT/hook (printed as it arrives), control at
 * /__fake/{reset,state,inject,lie,token}: `lie` ({"provider":"cloudflare","kind":"drop-write"} or
 * "stale-read", optional "times") makes the provider accept a write without applying it, or serve
 * a record as it was before its last write, to watch the watchdog read back and retry.
 */
import { createServer } from "node:http";
import { FakeApis } from "../test/fakes/dns-providers";

const port = Number(process.argv[2] ?? 8789);
const fakes = new FakeApis();

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
  const answer =
    (await fakes.handle(request)) ?? new Response("not a fake API path\n", { status: 404 });
  if (req.url?.startsWith("/hook")) console.log(`webhook: ${body?.toString() ?? ""}`);
  else if (!req.url?.startsWith("/__fake/"))
    console.log(`${req.method} ${req.url} → ${answer.status}`);
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
}).listen(port, "127.0.0.1", () =>
  console.log(
    `fake DNS APIs on http://127.0.0.1:${port} (Cloudflare /client/v4, Gandi /v5/livedns, webhook /hook)`,
  ),
);
