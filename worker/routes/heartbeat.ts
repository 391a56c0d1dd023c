import { Hono } from "hono";
import type { AppEnv } from "../app";
import { bearerToken } from "../auth/request-auth";
import { hashToken } from "../auth/tokens";
import { findNodeByToken, recordHeartbeat } from "../db/queries/nodes";
import { loadNodes, loadWatch } from "../db/queries/watchdog-state";
import { ApiError } from "../errors";
import { checkPublicAddress } from "../watchdog/address";
import { activeNode, nodeAddress, recordView, UNWATCHED } from "../watchdog/status";

/**
 * POST /api/v1/heartbeat — Bearer node token. The node's address is `CF-Connecting-IP` (never the
 * body), tracked per family; the time is the worker's. Body (optional JSON): `version`, `uptime`,
 * `load`, `replicatedAt` (when the standby's copy last succeeded: ISO 8601 or epoch seconds).
 * Reply: `{ epoch, state, active, masterAddress, record }`.
 */
export const heartbeat = new Hono<AppEnv>();

heartbeat.post("/heartbeat", async (c) => {
  const token = bearerToken(c);
  if (!token) throw new ApiError("unauthorized", "missing Authorization: Bearer <node token>");
  const node = await findNodeByToken(c.env.DB, await hashToken(token));
  if (!node) throw new ApiError("unauthorized", "not a node token");
  const ip = c.req.header("cf-connecting-ip");
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
  const body = parseBody(await c.req.text());
  const now = Date.now();
  await recordHeartbeat(c.env.DB, {
    siteId: node.siteId,
    node: node.node,
    now,
    family: address.family,
    address: address.address,
    ...body,
  }).run();

  const watch = await loadWatch(c.env.DB, node.siteId);
  const nodes = watch?.nodes ?? (await loadNodes(c.env.DB, node.siteId));
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

interface HeartbeatBody {
  version?: string;
  uptime?: number;
  load?: number;
  replicatedAt?: number;
}

function parseBody(text: string): HeartbeatBody {
  if (text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ApiError(
      "bad_request",
      "the body must be JSON: { version, uptime, load, replicatedAt } (all optional)",
    );
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ApiError("bad_request", "the body must be a JSON object");
  const o = v as Record<string, unknown>;
  const errors: string[] = [];
  const out: HeartbeatBody = {};
  if (o.version !== undefined) {
    if (typeof o.version === "string" && o.version.length <= 100) out.version = o.version;
    else errors.push("version must be a string of at most 100 characters");
  }
  for (const key of ["uptime", "load"] as const) {
    const x = o[key];
    if (x === undefined) continue;
    if (typeof x === "number" && Number.isFinite(x) && x >= 0) out[key] = x;
    else errors.push(`${key} must be a non-negative number`);
  }
  if (o.replicatedAt !== undefined && o.replicatedAt !== null) {
    const at =
      typeof o.replicatedAt === "string"
        ? Date.parse(o.replicatedAt)
        : typeof o.replicatedAt === "number"
          ? o.replicatedAt * 1000
          : NaN;
    if (Number.isFinite(at) && at > 0) out.replicatedAt = Math.round(at);
    else errors.push("replicatedAt must be an ISO 8601 time or epoch seconds");
  }
  if (errors.length) throw new ApiError("bad_request", errors.join("; "));
  return out;
}
