/** From stored rows to what `decide()` takes. */
import type { NodeRow, Watch, WatchConfigRow } from "../db/queries/watchdog-state";
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
  };
}

/** The node's address of the record's family (A: IPv4, AAAA: IPv6). */
export const addressFor = (n: NodeRow, type: "A" | "AAAA") => (type === "A" ? n.v4 : n.v6);

function view(n: NodeRow | undefined, type: "A" | "AAAA"): NodeView | null {
  if (!n) return null;
  return {
    name: n.node,
    lastSeen: n.lastSeen,
    address: addressFor(n, type),
    replicatedAt: n.replicatedAt,
  };
}

export function observe(
  w: Watch,
  extra: Pick<Observations, "tick" | "command" | "recordContent">,
): Observations {
  return {
    ...extra,
    master: view(
      w.nodes.find((n) => n.role === "master"),
      w.config.type,
    ),
    standby: view(
      w.nodes.find((n) => n.role === "standby"),
      w.config.type,
    ),
    dnsPending: w.pending,
  };
}
