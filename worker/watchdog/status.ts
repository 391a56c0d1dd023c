/** What the heartbeat reply and the status route say about a site's watchdog. */
import type { NodeRow, Watch } from "../db/queries/watchdog-state";
import { saneTime } from "./heartbeat-body";
import { describeAge } from "./messages";
import { addressFor } from "./observe";

/** The state of a site with nodes but no `watch` configured yet. */
export const UNWATCHED = "UNWATCHED";

/** ISO 8601 of a stored time; null for none, and for a value no Date can hold (never throws). */
function iso(ms: number | null): string | null {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The nodes as shown: a stored `replicatedAt` that is not sane (an older worker let it in) reads as unknown. */
export function saneNodes(nodes: NodeRow[], now: number): NodeRow[] {
  return nodes.map((n) => ({ ...n, replicatedAt: saneTime(n.replicatedAt, now) }));
}

export function nodeAddress(n: NodeRow | undefined, w: Watch | null): string | null {
  if (!n) return null;
  return w ? addressFor(n, w.config.type) : (n.v4 ?? n.v6);
}

export function activeNode(w: Watch | null, nodes: NodeRow[]): string | null {
  const role = w ? w.state.active : "master";
  return nodes.find((n) => n.role === role)?.node ?? null;
}

/**
 * The record: `content` is what the provider last answered it holds (null before the first read);
 * for the heartbeat reply, `content` is the target the watchdog steers it to.
 */
export function recordView(
  w: Watch | null,
  what: "seen" | "target",
): { name: string; type: string; content: string | null; target?: string | null } | null {
  if (!w) return null;
  const r = { name: w.config.record, type: w.config.type };
  return what === "target"
    ? { ...r, content: w.state.target }
    : { ...r, content: w.state.recordContent, target: w.state.target };
}

export function nodeView(n: NodeRow, w: Watch | null) {
  return {
    node: n.node,
    role: n.role,
    address: nodeAddress(n, w),
    lastSeen: iso(n.lastSeen),
    addresses: { v4: n.v4, v6: n.v6 },
    replicatedAt: iso(n.replicatedAt),
    version: n.version,
    uptime: n.uptime,
    load: n.load,
  };
}

/** Things the owner should know that are not states: silent nodes, an old standby copy. */
export function warnings(w: Watch | null, nodes: NodeRow[], now: number): string[] {
  const out: string[] = [];
  const lease = (w?.config.leaseSeconds ?? 180) * 1000;
  for (const n of nodes) {
    if (n.lastSeen === null) out.push(`${n.role} ${n.node} never sent a heartbeat`);
    else if (now - n.lastSeen > lease)
      out.push(`${n.role} ${n.node} silent for ${describeAge(now - n.lastSeen)}`);
  }
  const standby = nodes.find((n) => n.role === "standby");
  const maxAge = (w?.config.replicationMaxAgeSeconds ?? 86_400) * 1000;
  if (standby?.replicatedAt != null && now - standby.replicatedAt > maxAge) {
    out.push(
      `the standby's copy of the data is ${describeAge(now - standby.replicatedAt)} old (limit ${describeAge(maxAge)})`,
    );
  }
  if (w?.state.state === "HOLD" && w.state.holdReason) out.push(`holding: ${w.state.holdReason}`);
  return out;
}

export { iso };
