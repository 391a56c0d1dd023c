import { describe, expect, it } from "vitest";
import type { EventName } from "../../worker/watchdog/decide";
import { decide, EVENTS } from "../../worker/watchdog/decide";
import type {
  Command,
  Decision,
  NodeView,
  Observations,
  WatchConfig,
  WatchState,
} from "../../worker/watchdog/model";
import { DEFAULT_CONFIG, initialState } from "../../worker/watchdog/model";
import { expectTranslated } from "./watchdog-helpers";

// The pure state machine's messages and two of its rules (issue 18): every notification's title
// names its event, the flap limit counts automatic switches only, and `stale: refuse` keeps the
// record off a standby whose copy of the data is too old.

const T = Date.UTC(2026, 10, 25, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const M_IP = "81.2.69.142";
const S_IP = "81.2.69.160";
const cfg: WatchConfig = { ...DEFAULT_CONFIG, site: "demo", record: "www.example.org", type: "A" };

const node =
  (ageS: number | null, address: string | null, replicatedAgoMs: number | null = null) =>
  (name: string): NodeView => ({
    name,
    lastSeen: ageS === null ? null : T - ageS * 1000,
    address,
    replicatedAt: replicatedAgoMs === null ? null : T - replicatedAgoMs,
  });
const alive = node(30, M_IP);
const dead = node(900, M_IP);
const standbyAlive = node(30, S_IP, 10 * MIN);

const state = (over: Partial<WatchState> = {}): WatchState => ({
  ...initialState(T - 60 * MIN),
  target: M_IP,
  lastTick: T - MIN,
  ...over,
});

interface Row {
  event: EventName | "standby data stale" | "standby data fresh" | "address" | "drift";
  state?: Partial<WatchState>;
  master?: (n: string) => NodeView;
  standby?: ((n: string) => NodeView) | null;
  tick?: boolean;
  command?: Command;
  dnsPending?: number;
  recordContent?: string | null;
  cfg?: Partial<WatchConfig>;
  /** The transition announced (none for the messages that are not transitions). */
  transition?: string;
  title: string;
}

const onStandby = { epoch: 2, active: "standby" as const, target: S_IP };

/** One row per message decide() can send: the title must name what happened. */
const rows: Row[] = [
  {
    event: "masterSilent",
    master: dead,
    transition: "MASTER_ACTIVE→MASTER_SUSPECT",
    title: "Master server silent",
  },
  {
    event: "masterBack",
    state: { state: "MASTER_SUSPECT", downCount: 1 },
    transition: "MASTER_SUSPECT→MASTER_ACTIVE",
    title: "Master server heartbeats again",
  },
  {
    event: "masterBack",
    state: { state: "NO_STANDBY", downCount: 3 },
    standby: node(900, S_IP),
    transition: "NO_STANDBY→MASTER_ACTIVE",
    title: "Master server heartbeats again",
  },
  {
    event: "failingOver",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    master: dead,
    transition: "MASTER_SUSPECT→FAILING_OVER",
    title: "Failing over to the standby",
  },
  {
    event: "failingOver",
    state: { state: "NO_STANDBY", downCount: 3 },
    master: dead,
    transition: "NO_STANDBY→FAILING_OVER",
    title: "Failing over to the standby",
  },
  {
    event: "standbyActive",
    state: { state: "FAILING_OVER", ...onStandby },
    master: dead,
    tick: false,
    transition: "FAILING_OVER→STANDBY_ACTIVE",
    title: "Fallback server activated (epoch 2)",
  },
  {
    event: "masterRecovering",
    state: { state: "STANDBY_ACTIVE", ...onStandby },
    transition: "STANDBY_ACTIVE→MASTER_RECOVERING",
    title: "Master server back",
  },
  {
    event: "masterSilentAgain",
    state: { state: "MASTER_RECOVERING", ...onStandby, upCount: 2, upSince: T - 2 * MIN },
    master: dead,
    transition: "MASTER_RECOVERING→STANDBY_ACTIVE",
    title: "Master server silent again, the standby stays active",
  },
  {
    event: "failingBack",
    state: { state: "MASTER_RECOVERING", ...onStandby, upCount: 2, upSince: T - 2 * MIN },
    tick: false,
    command: "failback",
    transition: "MASTER_RECOVERING→FAILING_BACK",
    title: "Failing back to the master",
  },
  {
    event: "masterActive",
    state: { state: "FAILING_BACK", epoch: 3, active: "master", target: M_IP },
    tick: false,
    transition: "FAILING_BACK→MASTER_ACTIVE",
    title: "Master server active",
  },
  {
    event: "noStandby",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    master: dead,
    standby: node(900, S_IP),
    transition: "MASTER_SUSPECT→NO_STANDBY",
    title: "Master down, standby not available: no action",
  },
  {
    event: "staleStandby",
    // Already warned that the copy is stale: the refusal is the one message.
    state: { state: "MASTER_SUSPECT", downCount: 2, replicationStale: true },
    master: dead,
    standby: node(30, S_IP, 2 * DAY),
    cfg: { stale: "refuse" },
    transition: "MASTER_SUSPECT→NO_STANDBY",
    title: "Master down, standby data too old: no failover",
  },
  {
    event: "holdByOwner",
    tick: false,
    command: "hold",
    transition: "MASTER_ACTIVE→HOLD",
    title: "Watchdog on hold, as the owner asked",
  },
  {
    event: "holdTooManySwitches",
    state: {
      state: "FAILING_OVER",
      ...onStandby,
      holdReason: "3 role changes within 6 h (limit 2)",
    },
    master: dead,
    tick: false,
    transition: "FAILING_OVER→HOLD",
    title: "Watchdog on hold: too many switches",
  },
  {
    event: "holdFailbackRefused",
    state: {
      state: "MASTER_RECOVERING",
      ...onStandby,
      upCount: 10,
      upSince: T - 60 * MIN,
      roleChanges: [T - 90 * MIN, T - 80 * MIN],
    },
    cfg: { failback: "auto" },
    transition: "MASTER_RECOVERING→HOLD",
    title: "Watchdog on hold: failback refused",
  },
  {
    event: "released",
    state: { state: "HOLD", holdReason: "x" },
    tick: false,
    command: "release",
    transition: "HOLD→MASTER_ACTIVE",
    title: "Watchdog released by the owner",
  },
  {
    event: "released",
    state: { state: "HOLD", holdReason: "x", ...onStandby },
    master: dead,
    tick: false,
    command: "release",
    transition: "HOLD→STANDBY_ACTIVE",
    title: "Watchdog released by the owner",
  },
  {
    event: "standby data stale",
    standby: node(30, S_IP, 2 * DAY),
    title: "standby data is stale",
  },
  {
    event: "standby data fresh",
    state: { replicationStale: true },
    title: "standby data is fresh again",
  },
  {
    event: "address",
    master: node(30, "81.2.69.201"),
    state: { lastUpdateAt: T - 60 * MIN },
    title: "master address changed",
  },
  {
    event: "drift",
    recordContent: "81.2.69.99",
    title: "record changed outside Vigie",
  },
];

function step(r: Row): Decision {
  const obs: Observations = {
    tick: r.tick ?? true,
    command: r.command,
    master: (r.master ?? alive)("m1"),
    standby: r.standby === null ? null : (r.standby ?? standbyAlive)("s1"),
    dnsPending: r.dnsPending ?? 0,
    recordContent: r.recordContent,
  };
  return decide(state(r.state), obs, { ...cfg, ...r.cfg }, T);
}

describe("every notification's title names its event", () => {
  it.each(rows)("$event: $title", (r) => {
    const d = step(r);
    expect(d.refused).toBeUndefined();
    const transitions = d.actions.flatMap((a) =>
      a.type === "transition" ? [`${a.from}→${a.to}`] : [],
    );
    const titles = d.actions.flatMap((a) => (a.type === "notify" ? [a.title] : []));
    expect(transitions).toEqual(r.transition ? [r.transition] : []);
    expect(titles).toEqual([`demo: ${r.title}`]);
  });

  it("the table covers every event", () => {
    expect(new Set(rows.map((r) => r.event))).toEqual(
      new Set([
        ...Object.keys(EVENTS),
        "standby data stale",
        "standby data fresh",
        "address",
        "drift",
      ]),
    );
  });

  it("every reason reads in French and back in English (the watchdog page's templates)", () => {
    const reasons = rows.flatMap((r) => {
      const d = step(r);
      return [
        ...d.actions.flatMap((a) => (a.type === "transition" ? [a.reason] : [])),
        // A hold the decision made (the table's own states carry made-up ones).
        ...(d.state.holdReason && d.state.holdReason !== r.state?.holdReason
          ? [d.state.holdReason]
          : []),
      ];
    });
    expect(reasons.length).toBeGreaterThan(15);
    expectTranslated(reasons);
  });

  it("no two events share a title", () => {
    const titles = Object.values(EVENTS).map((e) => e.title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});

/** Ticks at T, T+1 min, …, with the node views given per minute; commands at given minutes. */
function timeline(
  minutes: number,
  view: (m: number) => { master: number | null; standby: number | null; replicatedAgo?: number },
  c: WatchConfig,
  commands: Record<number, Command> = {},
) {
  let s = state({ lastTick: T - MIN });
  const log: string[] = [];
  for (let m = 0; m < minutes; m++) {
    const t = T + m * MIN;
    const v = view(m);
    const at = (age: number | null) => (age === null ? null : t - age * 1000);
    const o: Observations = {
      tick: true,
      master: { name: "m1", lastSeen: at(v.master), address: M_IP, replicatedAt: null },
      standby: {
        name: "s1",
        lastSeen: at(v.standby),
        address: S_IP,
        replicatedAt: v.replicatedAgo === undefined ? t - 10 * MIN : t - v.replicatedAgo,
      },
      dnsPending: 0,
    };
    if (commands[m]) {
      const d = decide(s, { ...o, tick: false, command: commands[m] }, c, t);
      s = d.state;
      for (const a of d.actions) if (a.type === "transition") log.push(`${m}: ${a.from}→${a.to}`);
    }
    for (const tick of [true, false]) {
      // The tick, then (as tick.ts does once the DNS is verified) the settling event.
      const d = decide(s, { ...o, tick }, c, t);
      s = d.state;
      for (const a of d.actions) if (a.type === "transition") log.push(`${m}: ${a.from}→${a.to}`);
    }
  }
  return { state: s, log };
}

describe("HOLD counts automatic switches only", () => {
  it("failover, the owner's failback, then a second failover: no HOLD (2 automatic switches)", () => {
    // Master dead 5–20, back 20–40 (failback by hand at 30), dead again from 40.
    const master = (m: number) =>
      m < 5 || (m >= 20 && m < 40) ? 10 : (m < 20 ? m - 5 : m - 40) * 60 + 50;
    const r = timeline(60, (m) => ({ master: master(m), standby: 10 }), cfg, { 30: "failback" });
    expect(r.log.filter((x) => /→FAILING_(OVER|BACK)$/.test(x))).toEqual([
      "10: MASTER_SUSPECT→FAILING_OVER",
      "30: MASTER_RECOVERING→FAILING_BACK",
      "45: MASTER_SUSPECT→FAILING_OVER",
    ]);
    expect(r.log).not.toContainEqual(expect.stringMatching(/HOLD/));
    expect(r.state).toMatchObject({ state: "STANDBY_ACTIVE", active: "standby" });
    expect(r.state.roleChanges).toEqual([T + 10 * MIN, T + 45 * MIN]);
  });
});

describe("stale: refuse", () => {
  const suspect = state({ state: "MASTER_SUSPECT", downCount: 2 });
  const tick = (standby: NodeView, c: Partial<WatchConfig>) =>
    decide(
      suspect,
      { tick: true, master: dead("m1"), standby, dnsPending: 0 },
      { ...cfg, ...c },
      T,
    );

  it.each<[string, Partial<WatchConfig>, number | null, string, RegExp | null]>([
    ["a 2-day-old copy, warn: fails over", { stale: "warn" }, 2 * DAY, "FAILING_OVER", null],
    ["a fresh copy, refuse: fails over", { stale: "refuse" }, 10 * MIN, "FAILING_OVER", null],
    [
      "a 2-day-old copy, refuse: no failover",
      { stale: "refuse" },
      2 * DAY,
      "NO_STANDBY",
      /s1's copy of the data is 2 d old \(limit 24 h, --stale refuse\)/,
    ],
    [
      "a copy of unknown age, refuse: no failover",
      { stale: "refuse" },
      null,
      "NO_STANDBY",
      /s1 never reported when its copy of the data last succeeded \(limit 24 h, --stale refuse\)/,
    ],
    [
      "the limit is --replication-max-age: 3 d allowed",
      { stale: "refuse", replicationMaxAgeMs: 3 * DAY },
      2 * DAY,
      "FAILING_OVER",
      null,
    ],
  ])("%s", (_, c, replicatedAgo, want, reason) => {
    const d = tick(node(30, S_IP, replicatedAgo)("s1"), c);
    expect(d.state.state).toBe(want);
    const dns = d.actions.filter((a) => a.type === "dns");
    expect(dns).toHaveLength(want === "FAILING_OVER" ? 1 : 0);
    if (reason) {
      const t = d.actions.find((a) => a.type === "transition");
      expect(t && t.type === "transition" && t.reason).toMatch(reason);
      const n = d.actions.find((a) => a.type === "notify");
      expect(n && n.type === "notify" && n.text).toMatch(reason);
    }
  });

  it("refused while stale, fails over once the copy is fresh again", () => {
    const c = { ...cfg, stale: "refuse" as const };
    const r = timeline(
      30,
      (m) => ({
        master: m < 5 ? 10 : (m - 5) * 60 + 50,
        standby: 10,
        replicatedAgo: m < 20 ? 2 * DAY : MIN,
      }),
      c,
    );
    expect(r.log).toEqual([
      "8: MASTER_ACTIVE→MASTER_SUSPECT",
      "10: MASTER_SUSPECT→NO_STANDBY",
      "20: NO_STANDBY→FAILING_OVER",
      "20: FAILING_OVER→STANDBY_ACTIVE",
    ]);
  });
});
