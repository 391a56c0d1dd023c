/**
 * The watchdog's vocabulary: its persisted state, what a tick observes, its configuration and the
 * actions `decide()` asks for. Pure TypeScript (no runtime imports): the state machine runs and is
 * tested in plain Node.
 */

export const STATES = [
  "MASTER_ACTIVE",
  "MASTER_SUSPECT",
  "FAILING_OVER",
  "STANDBY_ACTIVE",
  "MASTER_RECOVERING",
  "FAILING_BACK",
  "NO_STANDBY",
  "HOLD",
] as const;
export type StateName = (typeof STATES)[number];

export type Role = "master" | "standby";
export type RecordType = "A" | "AAAA";
export type Command = "failback" | "release" | "hold";
export const COMMANDS: readonly Command[] = ["failback", "release", "hold"];

/** What is persisted between ticks (the `watchdog_state` row, minus its CAS version). */
export interface WatchState {
  state: StateName;
  /** Fencing token: +1 at every role change. */
  epoch: number;
  /** The role whose address the record should hold. */
  active: Role;
  /** When the current state was entered (ms). */
  since: number;
  /** Consecutive ticks counted toward a failover (master silent; in MASTER_RECOVERING, standby silent). */
  downCount: number;
  /** Consecutive ticks with the master back, and since when (MASTER_RECOVERING). */
  upCount: number;
  upSince: number | null;
  /** scheduledTime of the last processed tick. */
  lastTick: number | null;
  /** Why the machine holds; set on the way into a HOLD that follows a last allowed switch. */
  holdReason: string | null;
  /** Times of the role changes inside the flap window. */
  roleChanges: number[];
  /** The content the record was last asked to hold. */
  target: string | null;
  /** When an address update (not a role change) was last asked: the dynamic-DNS rate limit. */
  lastUpdateAt: number | null;
  /** The standby's copy is older than the configured age (warned once). */
  replicationStale: boolean;
}

/** A node as a tick sees it. `address` is the one of the record's family. */
export interface NodeView {
  name: string;
  lastSeen: number | null;
  address: string | null;
  replicatedAt: number | null;
}

export interface Observations {
  /** A cron tick: only ticks count toward thresholds. Otherwise an event (a command, DNS settled). */
  tick: boolean;
  command?: Command;
  master: NodeView | null;
  standby: NodeView | null;
  /** DNS changes asked for and not yet verified at the provider. */
  dnsPending: number;
  /** What the provider says the record holds, when it was read for this tick (null: no such record). */
  recordContent?: string | null;
}

export interface WatchConfig {
  site: string;
  record: string;
  type: RecordType;
  leaseMs: number;
  downTicks: number;
  upTicks: number;
  failback: "manual" | "auto";
  stableMs: number;
  maxSwitches: number;
  switchWindowMs: number;
  minUpdateMs: number;
  replicationMaxAgeMs: number;
  /** A standby copy older than replicationMaxAgeMs: warned about only, or also refused as a failover target. */
  stale: StalePolicy;
}

export const STALE_POLICIES = ["warn", "refuse"] as const;
export type StalePolicy = (typeof STALE_POLICIES)[number];

export const DEFAULT_CONFIG: Omit<WatchConfig, "site" | "record" | "type"> = {
  leaseMs: 180_000,
  downTicks: 3,
  upTicks: 5,
  failback: "manual",
  stableMs: 900_000,
  maxSwitches: 2,
  switchWindowMs: 6 * 3600_000,
  minUpdateMs: 300_000,
  replicationMaxAgeMs: 86_400_000,
  stale: "warn",
};

export type DnsKind = "initial" | "failover" | "failback" | "address" | "drift";

/** ntfy's priorities: 1 min … 3 default … 5 urgent. */
export type Priority = 1 | 2 | 3 | 4 | 5;

export type Action =
  | { type: "transition"; from: StateName; to: StateName; epoch: number; reason: string }
  | { type: "dns"; kind: DnsKind; desired: string; expectedOld: string | null }
  | { type: "notify"; title: string; text: string; priority: Priority };

export interface Decision {
  state: WatchState;
  actions: Action[];
  /** Why a command was not applied (the state and actions are then unchanged). */
  refused?: string;
}

export function initialState(now: number): WatchState {
  return {
    state: "MASTER_ACTIVE",
    epoch: 1,
    active: "master",
    since: now,
    downCount: 0,
    upCount: 0,
    upSince: null,
    lastTick: null,
    holdReason: null,
    roleChanges: [],
    target: null,
    lastUpdateAt: null,
    replicationStale: false,
  };
}
