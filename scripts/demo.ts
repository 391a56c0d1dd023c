/**
 * `npm start`'s demo site: created in the local D1 in one wrangler run (site, two nodes, the
 * watchdog on a fake DNS zone), and given a short real history through the worker's public routes:
 * heartbeats, then cron ticks at chosen times (wrangler dev's `/cdn-cgi/handler/scheduled?time=`)
 * that make the master look silent for one lease, so the watchdog fails over to the standby, then
 * back. Heartbeats carry the node's address in `X-Vigie-Client-IP` (read by the worker when its var
 * DEV_CLIENT_IP_HEADER is "1") and in `CF-Connecting-IP`, which `wrangler dev` passes through.
 */
import { hashToken, newToken } from "../worker/auth/tokens";
import { fetchAgain } from "./local-worker";
import {
  checkWatch,
  d1Execute,
  insertSiteSql,
  rotateTokenSql,
  upsertNodeSql,
  WATCH_DEFAULTS,
  type WranglerOptions,
  watchSql,
} from "./site-lib";

export interface Demo {
  site: string;
  agentToken: string;
  readToken: string;
  /** Node tokens by node name. */
  nodes: Record<string, string>;
}

/** The demo's two boxes: real public addresses (the worker refuses private ones). */
export const DEMO_NODES = [
  { node: "home", role: "master", address: "81.2.69.160" },
  { node: "backup", role: "standby", address: "81.2.69.161" },
] as const;

/** Cloudflare's example zone id, and the record the watchdog steers (in the fake DNS). */
const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const RECORD = "www.example.org";

/**
 * A 10 s lease and failover at the 2nd silent tick keep the story short; failback is automatic
 * after one steady tick, so every event of the story is a tick's, in the order of their times.
 */
const DEMO_WATCH = checkWatch({
  ...WATCH_DEFAULTS,
  provider: "cloudflare",
  zone: ZONE,
  record: RECORD,
  type: "A",
  lease: 10,
  down: 2,
  up: 1,
  stable: 0,
  failback: "auto",
});

const DEMO_CONFIG = {
  siteHosts: ["semicomplete.com", "howto.basjes.nl"],
  watched: { addresses: [], userAgents: ["Tiny Tiny RSS"] },
};

/**
 * Creates the demo site, or gives an existing one (a database kept, `.vigie/` removed) new tokens;
 * registers its nodes and its watchdog. One `wrangler d1 execute`; the tokens are returned.
 */
export async function createDemo(persistTo: string, opts: WranglerOptions): Promise<Demo> {
  const demo: Demo = {
    site: "demo",
    agentToken: newToken("agent"),
    readToken: newToken("read"),
    nodes: Object.fromEntries(DEMO_NODES.map((n) => [n.node, newToken("node")])),
  };
  const now = Date.now();
  const statements = [
    insertSiteSql({
      name: demo.site,
      agentTokenHash: await hashToken(demo.agentToken),
      readTokenHash: await hashToken(demo.readToken),
      public: false,
      privacy: "truncate",
      config: JSON.stringify(DEMO_CONFIG),
    }),
    rotateTokenSql(demo.site, "agent", await hashToken(demo.agentToken)),
    rotateTokenSql(demo.site, "read", await hashToken(demo.readToken)),
  ];
  for (const n of DEMO_NODES)
    statements.push(
      upsertNodeSql(demo.site, n.node, n.role, await hashToken(demo.nodes[n.node]), now),
    );
  statements.push(watchSql(demo.site, DEMO_WATCH, now));
  await d1Execute(statements.join(";\n"), { remote: false, persistTo }, opts);
  return demo;
}

/** What the fake DNS holds at start: the zone, its record on the master. */
export function fakeZone(content = DEMO_NODES[0].address) {
  return {
    cloudflare: {
      zones: { [ZONE]: { name: "example.org", records: [{ name: RECORD, type: "A", content }] } },
    },
  };
}

interface Status {
  state: string;
  events: unknown[];
  record: { target?: string | null } | null;
  nodes: { node: string; lastSeen: string | null }[];
}

/** The demo's routes on a running worker. */
export class DemoClient {
  constructor(
    private readonly url: string,
    private readonly demo: Demo,
  ) {}

  async heartbeat(node: string): Promise<void> {
    const address = DEMO_NODES.find((n) => n.node === node)!.address;
    const res = await fetchAgain(`${this.url}/api/v1/heartbeat`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.demo.nodes[node]}`,
        "x-vigie-client-ip": address,
        "cf-connecting-ip": address,
        "content-type": "application/json",
      },
      body: JSON.stringify({ version: "demo" }),
    });
    if (!res.ok) throw new Error(`heartbeat of ${node}: ${res.status} ${await res.text()}`);
  }

  async status(): Promise<Status> {
    const res = await fetchAgain(`${this.url}/api/v1/sites/${this.demo.site}/watchdog`, {
      headers: { authorization: `Bearer ${this.demo.readToken}` },
    });
    if (!res.ok) throw new Error(`watchdog status: ${res.status} ${await res.text()}`);
    return (await res.json()) as Status;
  }

  /** One watchdog tick at `time` (ms), as the cron trigger would run it then. */
  async tick(time: number): Promise<void> {
    const res = await fetchAgain(
      `${this.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${time}`,
    );
    if (!res.ok) throw new Error(`tick at ${time}: ${res.status} ${await res.text()}`);
  }

  /** Both nodes' last heartbeats, in ms. */
  async lastSeen(): Promise<Record<string, number>> {
    const st = await this.status();
    return Object.fromEntries(st.nodes.map((n) => [n.node, Date.parse(n.lastSeen ?? "")]));
  }
}

/**
 * The demo's history, played once (a watchdog with events already is left alone): both nodes up;
 * the master silent past its lease while the standby heartbeats, two ticks, failover; the master
 * back, two ticks, failback. Ticks are run at times a little ahead of the clock (at most a lease),
 * since a node's silence is only seen once the lease has passed. Returns whether it played.
 */
export async function playFailoverAndFailback(client: DemoClient): Promise<boolean> {
  const [master, standby] = [DEMO_NODES[0].node, DEMO_NODES[1].node];
  const lease = DEMO_WATCH.lease * 1000;
  await client.heartbeat(master);
  await client.heartbeat(standby);
  if ((await client.status()).events.length > 0) return false;
  let seen = await client.lastSeen();
  let tick = Math.max(seen[master], seen[standby]) + 1;
  await client.tick(tick); // MASTER_ACTIVE, the record checked

  // The standby's next heartbeat must come a few ms after the master's last one: the failover
  // ticks fall between the two lease ends, the master's passed and the standby's not.
  do {
    await new Promise((r) => setTimeout(r, 20));
    await client.heartbeat(standby);
    seen = await client.lastSeen();
  } while (seen[standby] - seen[master] < 3);
  for (const t of [seen[master] + lease + 1, seen[master] + lease + 2])
    await client.tick((tick = Math.max(t, tick + 1))); // MASTER_SUSPECT, then the failover

  await client.heartbeat(master);
  await client.heartbeat(standby);
  seen = await client.lastSeen();
  tick = Math.max(tick, seen[master], seen[standby]);
  await client.tick(++tick); // MASTER_RECOVERING
  await client.tick(++tick); // the failback
  return true;
}
