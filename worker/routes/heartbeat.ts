import { Hono } from "hono";
import type { AppEnv } from "../app";
import { allDbs } from "../db/databases";
import { bearerToken } from "../auth/request-auth";
import { hashToken } from "../auth/tokens";
import { findNodeByToken, recordHeartbeat } from "../db/queries/nodes";
import { loadNodes, loadWatch } from "../db/queries/watchdog-state";
import { readSmallBody } from "../auth/read-small-body";
import { ApiError } from "../errors";
import { checkPublicAddress } from "../watchdog/address";
import { parseHeartbeat } from "../watchdog/heartbeat-body";
import { activeNode, nodeAddress, recordView, UNWATCHED } from "../watchdog/status";

/**
 * POST /api/v1/heartbeat — Bearer node token. The node's address is `CF-Connecting-IP` (never the
 * body), tracked per family; the time is the worker's. Body (optional JSON, at most 4 KB):
 * `version`, `uptime`, `load`, `replicatedAt` (when the standby's copy last succeeded: ISO 8601 or
 * epoch seconds), each within sane ranges (worker/watchdog/heartbeat-body.ts) or 400.
 * Reply: `{ epoch, state, active, masterAddress, record }`.
 *
 * For trying heartbeats under `wrangler dev` (which sets CF-Connecting-IP to 127.0.0.1): with the
 * var DEV_CLIENT_IP_HEADER = "1", and only then, `X-Vigie-Client-IP` stands in for CF-Connecting-IP.
 */
export const heartbeat = new Hono<AppEnv>();

heartbeat.post("/heartbeat", async (c) => {
  const token = bearerToken(c);
  if (!token) throw new ApiError("unauthorized", "missing Authorization: Bearer <node token>");
  // A node token names no site: it is looked for in every database that holds sites.
  const hash = await hashToken(token);
  let node: Awaited<ReturnType<typeof findNodeByToken>> = null;
  let db = c.env.DB;
  for (const d of allDbs(c.env)) {
    node = await findNodeByToken(d, hash);
    if (node) {
      db = d;
      break;
    }
  }
  if (!node) throw new ApiError("unauthorized", "not a node token");
  const ip =
    (c.env.DEV_CLIENT_IP_HEADER === "1" ? c.req.header("x-vigie-client-ip") : undefined) ??
    c.req.header("cf-connecting-ip");
  if (!ip)
    throw new ApiError(
      "bad_request",
      "no CF-Connecting-IP: heartbeats must reach the worker through Cloudflare",
    );
  const address = checkPublicAddress(ip);
  if (!address.ok)
    throw new ApiError(
      address.reason === "invalid" ? "bad_request" : "unprocessable",
      address.message,
    );
  const now = Date.now();
  const parsed = parseHeartbeat(await readSmallBody(c.req.raw), now);
  if (!parsed.ok) throw new ApiError("bad_request", parsed.message);
  const body = parsed.value;
  await recordHeartbeat(db, {
    siteId: node.siteId,
    node: node.node,
    now,
    family: address.family,
    address: address.address,
    ...body,
  }).run();

  const watch = await loadWatch(db, node.siteId);
  const nodes = watch?.nodes ?? (await loadNodes(db, node.siteId));
  return c.json({
    epoch: watch?.state.epoch ?? 0,
    state: watch?.state.state ?? UNWATCHED,
    active: activeNode(watch, nodes),
    masterAddress: nodeAddress(
      nodes.find((n) => n.role === "master"),
      watch,
    ),
    record: recordView(watch, "target"),
  });
});
