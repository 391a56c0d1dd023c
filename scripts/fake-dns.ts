/**
 * The fake Cloudflare and Gandi APIs and webhook receiver (test/fakes/dns-providers.ts) on loopback, for a
 * local run of the watchdog under `wrangler dev` (README, "Watchdog"; `npm start` runs one for its demo):
 *   npx tsx scripts/fake-dns.ts [PORT]   (default 8789)
 * Cloudflare at http://127.0.0.1:PORT/client/v4, Gandi at http://127.0.0.1:PORT/v5/livedns, the
 * webhook at http://127.0.0.1:PORT/hook (printed as it arrives), control at
 * /__fake/{reset,state,inject,lie,token}: `lie` ({"provider":"cloudflare","kind":"drop-write"} or
 * "stale-read", optional "times") makes the provider accept a write without applying it, or serve
 * a record as it was before its last write, to watch the watchdog read back and retry.
 */
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { FakeApis } from "../test/fakes/dns-providers";

/** Serves `fakes` on 127.0.0.1:port (0: any free port); `log` gets a line per call. */
export async function serveFakeDns(
  fakes: FakeApis,
  port: number,
  log: (line: string) => void = () => {},
): Promise<{ server: Server; port: number }> {
  const server = createServer(async (req, res) => {
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
    const answer = await fakes.handle(request).then(
      (a) => a ?? new Response("not a fake API path\n", { status: 404 }),
      (e: unknown) => new Response(`fake: ${(e as Error)?.message ?? e}\n`, { status: 400 }),
    );
    if (req.url?.startsWith("/hook")) log(`webhook: ${body?.toString() ?? ""}`);
    else if (!req.url?.startsWith("/__fake/")) log(`${req.method} ${req.url} → ${answer.status}`);
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
  return { server, port };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { port } = await serveFakeDns(new FakeApis(), Number(process.argv[2] ?? 8789), console.log);
  console.log(
    `fake DNS APIs on http://127.0.0.1:${port} (Cloudflare /client/v4, Gandi /v5/livedns, webhook /hook)`,
  );
}
