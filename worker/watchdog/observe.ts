/** From stored rows to what `decide()` takes. */
import type { NodeRow, Watch, WatchConfigRow } from "../db/queries/watchdog-state";
import { saneTime } from "./heartbeat-body";
import type { NodeView, Observations, WatchConfig } from "./model";

export function toConfig(c: WatchConfigRow): WatchConfig {
  return {
    site: c.site,
    record: c.record,
    type: c.type,
    leaseMs: c.leaseSeconds * 1000,
    downTicks: c.downTicks,
    upTicks: c.upTicks,
    failback: c.failback,
    stableMs: c.stableSeconds * 1000,
    maxSwitches: c.maxSwitches,
    switchWindowMs: c.switchWindowSeconds * 1000,
    minUpdateMs: c.minUpdateSeconds * 1000,
    replicationMaxAgeMs: c.replicationMaxAgeSeconds * 1000,
    stale: c.stalePolicy,
  };
}

/** The node's address of the record's family (A: IPv4, AAAA: IPv6). */
export const addressFor = (n: NodeRow, type: "A" | "AAAA") => (type === "A" ? n.v4 : n.v6);

/** A node as decide() takes it; a stored time that is not sane (an older worker let it in) reads as unknown. */
function view(n: NodeRow | undefined, type: "A" | "AAAA", now: number): NodeView | null {
  if (!n) return null;
  return {
    name: n.node,
    lastSeen: typeof n.lastSeen === "number" && Number.isFinite(n.lastSeen) ? n.lastSeen : null,
    address: addressFor(n, type),
    replicatedAt: saneTime(n.replicatedAt, now),
  };
}

export function observe(
  w: Watch,
  extra: Pick<Observations, "tick" | "command" | "recordContent">,
  now: number,
): Observations {
  return {
    ...extra,
    master: view(
      w.nodes.find((n) => n.role === "master"),
      w.config.type,
      now,
    ),
    standby: view(
      w.nodes.find((n) => n.role === "standby"),
      w.config.type,
      now,
    ),
    dnsPending: w.pending,
  };
}
