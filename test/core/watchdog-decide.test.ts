import { describe, expect, it } from "vitest";
import { decide } from "../../worker/watchdog/decide";
import type {
  Action,
  Command,
  NodeView,
  Observations,
  StateName,
  WatchConfig,
  WatchState,
} from "../../worker/watchdog/model";
import { DEFAULT_CONFIG, initialState } from "../../worker/watchdog/model";

// Scenarios of WATCHDOG-NOTES §5.8 and issue 6, on the pure state machine. Defaults: lease 180 s,
// failover at the 3rd silent tick, manual failback, auto failback after 5 ticks and 15 min,
// at most 2 automatic switches in 6 h, address updates at most every 5 min.

const T = Date.UTC(2026, 10, 25, 12, 0, 0);
const MIN = 60_000;
const M_IP = "81.2.69.142";
const S_IP = "81.2.69.160";
const cfg: WatchConfig = { ...DEFAULT_CONFIG, site: "demo", record: "www.example.org", type: "A" };

/** A node whose last heartbeat is `ageS` seconds before `now` (null: never). */
const node = (
  name: string,
  ageS: number | null,
  address: string | null,
  now = T,
  replicatedAgoS: number | null = null,
): NodeView => ({
  name,
  lastSeen: ageS === null ? null : now - ageS * 1000,
  address,
  replicatedAt: replicatedAgoS === null ? null : now - replicatedAgoS * 1000,
});

const state = (over: Partial<WatchState> = {}): WatchState => ({
  ...initialState(T - 60 * MIN),
  target: M_IP,
  lastTick: T - MIN,
  ...over,
});

const obs = (over: Partial<Observations> = {}): Observations => ({
  tick: true,
  master: node("m1", 30, M_IP),
  standby: node("s1", 30, S_IP),
  dnsPending: 0,
  ...over,
});

const kinds = (actions: Action[]) => ({
  transitions: actions.flatMap((a) => (a.type === "transition" ? [`${a.from}→${a.to}`] : [])),
  dns: actions.flatMap((a) => (a.type === "dns" ? [`${a.kind} ${a.desired}`] : [])),
  notify: actions.filter((a) => a.type === "notify").length,
});

interface Case {
  name: string;
  state?: Partial<WatchState>;
  obs?: Partial<Observations>;
  cfg?: Partial<WatchConfig>;
  now?: number;
  expect: {
    state: StateName;
    transitions?: string[];
    dns?: string[];
    notify?: number;
    epoch?: number;
    active?: "master" | "standby";
    downCount?: number;
    refused?: RegExp;
  };
}

const cases: Case[] = [
  {
    name: "1. all well: nothing to do",
    expect: { state: "MASTER_ACTIVE", transitions: [], dns: [], notify: 0 },
  },
  {
    name: "2. a single missed heartbeat (last one 2 min ago, lease 3 min): no switch, no message",
    obs: { master: node("m1", 120, M_IP) },
    expect: { state: "MASTER_ACTIVE", transitions: [], dns: [], notify: 0 },
  },
  {
    name: "3. master silent past the lease: suspect, no DNS",
    obs: { master: node("m1", 200, M_IP) },
    expect: {
      state: "MASTER_SUSPECT",
      transitions: ["MASTER_ACTIVE→MASTER_SUSPECT"],
      dns: [],
      notify: 1,
      downCount: 1,
    },
  },
  {
    name: "4. suspect, master heartbeats again: back to active",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    expect: {
      state: "MASTER_ACTIVE",
      transitions: ["MASTER_SUSPECT→MASTER_ACTIVE"],
      dns: [],
      downCount: 0,
    },
  },
  {
    name: "5. suspect, 2nd silent tick: below the threshold, waits",
    state: { state: "MASTER_SUSPECT", downCount: 1 },
    obs: { master: node("m1", 260, M_IP) },
    expect: { state: "MASTER_SUSPECT", transitions: [], dns: [], notify: 0, downCount: 2 },
  },
  {
    name: "6. master dead, standby alive: fails over at the 3rd silent tick, epoch + 1, one DNS change",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    obs: { master: node("m1", 320, M_IP) },
    expect: {
      state: "FAILING_OVER",
      transitions: ["MASTER_SUSPECT→FAILING_OVER"],
      dns: [`failover ${S_IP}`],
      notify: 1,
      epoch: 2,
      active: "standby",
    },
  },
  {
    name: "7. master and standby both dead: NO_STANDBY, no DNS action, an alert",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    obs: { master: node("m1", 320, M_IP), standby: node("s1", 900, S_IP) },
    expect: {
      state: "NO_STANDBY",
      transitions: ["MASTER_SUSPECT→NO_STANDBY"],
      dns: [],
      notify: 1,
      epoch: 1,
      active: "master",
    },
  },
  {
    name: "8. standby alive but without an IPv4 address for an A record: NO_STANDBY",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    obs: { master: node("m1", 320, M_IP), standby: node("s1", 10, null) },
    expect: { state: "NO_STANDBY", dns: [] },
  },
  {
    name: "9. no standby registered at all: NO_STANDBY",
    state: { state: "MASTER_SUSPECT", downCount: 2 },
    obs: { master: node("m1", 320, M_IP), standby: null },
    expect: { state: "NO_STANDBY", dns: [] },
  },
  {
    name: "10. NO_STANDBY, standby back while master still silent: fails over",
    state: { state: "NO_STANDBY", downCount: 3 },
    obs: { master: node("m1", 900, M_IP) },
    expect: { state: "FAILING_OVER", dns: [`failover ${S_IP}`], epoch: 2 },
  },
  {
    name: "11. NO_STANDBY, master back: active again, no DNS",
    state: { state: "NO_STANDBY", downCount: 3 },
    obs: { standby: node("s1", 900, S_IP) },
    expect: { state: "MASTER_ACTIVE", transitions: ["NO_STANDBY→MASTER_ACTIVE"], dns: [] },
  },
  {
    name: "12. failing over, DNS not verified yet: stays, nothing more asked",
    state: { state: "FAILING_OVER", epoch: 2, active: "standby", target: S_IP },
    obs: { master: node("m1", 400, M_IP), dnsPending: 1 },
    expect: { state: "FAILING_OVER", transitions: [], dns: [], notify: 0 },
  },
  {
    name: "13. failing over, DNS verified: STANDBY_ACTIVE",
    state: { state: "FAILING_OVER", epoch: 2, active: "standby", target: S_IP },
    obs: { tick: false, master: node("m1", 400, M_IP) },
    expect: {
      state: "STANDBY_ACTIVE",
      transitions: ["FAILING_OVER→STANDBY_ACTIVE"],
      dns: [],
      notify: 1,
    },
  },
  {
    name: "14. standby active, master heartbeats again: MASTER_RECOVERING, the record stays",
    state: { state: "STANDBY_ACTIVE", epoch: 2, active: "standby", target: S_IP },
    expect: {
      state: "MASTER_RECOVERING",
      transitions: ["STANDBY_ACTIVE→MASTER_RECOVERING"],
      dns: [],
      notify: 1,
    },
  },
  {
    name: "15. manual failback: an hour of steady master changes nothing",
    state: {
      state: "MASTER_RECOVERING",
      epoch: 2,
      active: "standby",
      target: S_IP,
      upCount: 60,
      upSince: T - 60 * MIN,
    },
    expect: { state: "MASTER_RECOVERING", transitions: [], dns: [] },
  },
  {
    name: "16. manual failback: the owner's command fails back, epoch + 1",
    state: {
      state: "MASTER_RECOVERING",
      epoch: 2,
      active: "standby",
      target: S_IP,
      upCount: 2,
      upSince: T - 2 * MIN,
    },
    obs: { tick: false, command: "failback" },
    expect: {
      state: "FAILING_BACK",
      transitions: ["MASTER_RECOVERING→FAILING_BACK"],
      dns: [`failback ${M_IP}`],
      epoch: 3,
      active: "master",
    },
  },
  {
    name: "17. failback command while the master is active: refused",
    obs: { tick: false, command: "failback" },
    expect: { state: "MASTER_ACTIVE", refused: /MASTER_RECOVERING/ },
  },
  {
    name: "18. failback command while the master is silent: refused",
    state: { state: "STANDBY_ACTIVE", epoch: 2, active: "standby", target: S_IP },
    obs: { tick: false, command: "failback", master: node("m1", 900, M_IP) },
    expect: { state: "STANDBY_ACTIVE", refused: /not back/ },
  },
  {
    name: "19. auto failback: after 5 ticks and 15 min steady",
    cfg: { failback: "auto" },
    state: {
      state: "MASTER_RECOVERING",
      epoch: 2,
      active: "standby",
      target: S_IP,
      upCount: 15,
      upSince: T - 15 * MIN,
      roleChanges: [T - 60 * MIN],
    },
    expect: { state: "FAILING_BACK", dns: [`failback ${M_IP}`], epoch: 3 },
  },
  {
    name: "20. auto failback: not before the stable period",
    cfg: { failback: "auto" },
    state: {
      state: "MASTER_RECOVERING",
      epoch: 2,
      active: "standby",
      target: S_IP,
      upCount: 9,
      upSince: T - 9 * MIN,
    },
    expect: { state: "MASTER_RECOVERING", dns: [] },
  },
  {
    name: "21. recovering, master silent again: back to STANDBY_ACTIVE",
    state: {
      state: "MASTER_RECOVERING",
      epoch: 2,
      active: "standby",
      target: S_IP,
      upCount: 3,
      upSince: T - 3 * MIN,
    },
    obs: { master: node("m1", 200, M_IP) },
    expect: { state: "STANDBY_ACTIVE", dns: [] },
  },
  {
    name: "22. recovering (manual), the active standby dies: fails back anyway",
    state: {
      state: "MASTER_RECOVERING",
      epoch: 2,
      active: "standby",
      target: S_IP,
      upCount: 3,
      upSince: T - 3 * MIN,
      downCount: 2,
    },
    obs: { standby: node("s1", 400, S_IP) },
    expect: { state: "FAILING_BACK", dns: [`failback ${M_IP}`], epoch: 3 },
  },
  {
    name: "23. failing back, DNS verified: MASTER_ACTIVE",
    state: { state: "FAILING_BACK", epoch: 3, active: "master", target: M_IP },
    expect: { state: "MASTER_ACTIVE", transitions: ["FAILING_BACK→MASTER_ACTIVE"] },
  },
  {
    name: "24. a third automatic switch in the window: the failover still happens, then HOLD",
    state: {
      state: "MASTER_SUSPECT",
      downCount: 2,
      epoch: 3,
      roleChanges: [T - 90 * MIN, T - 30 * MIN],
    },
    obs: { master: node("m1", 320, M_IP) },
    expect: { state: "FAILING_OVER", dns: [`failover ${S_IP}`], epoch: 4 },
  },
  {
    name: "25. …and once its DNS is verified, HOLD (not STANDBY_ACTIVE)",
    state: {
      state: "FAILING_OVER",
      epoch: 4,
      active: "standby",
      target: S_IP,
      holdReason: "3 role changes within 6 h (limit 2)",
    },
    obs: { master: node("m1", 400, M_IP) },
    expect: { state: "HOLD", transitions: ["FAILING_OVER→HOLD"], notify: 1 },
  },
  {
    name: "26. HOLD ignores a recovered master",
    state: { state: "HOLD", epoch: 4, active: "standby", target: S_IP, holdReason: "x" },
    expect: { state: "HOLD", transitions: [], dns: [], notify: 0 },
  },
  {
    name: "27. HOLD ignores an address change",
    state: { state: "HOLD", epoch: 4, active: "standby", target: S_IP, holdReason: "x" },
    obs: { standby: node("s1", 10, "81.2.69.161") },
    expect: { state: "HOLD", dns: [] },
  },
  {
    name: "28. release from HOLD: the state the signals imply",
    state: {
      state: "HOLD",
      epoch: 4,
      active: "standby",
      target: S_IP,
      holdReason: "x",
      roleChanges: [T - 10 * MIN],
    },
    obs: { tick: false, command: "release" },
    expect: {
      state: "MASTER_RECOVERING",
      transitions: ["HOLD→MASTER_RECOVERING"],
      dns: [],
      epoch: 4,
    },
  },
  {
    name: "29. release when not holding: refused",
    obs: { tick: false, command: "release" },
    expect: { state: "MASTER_ACTIVE", refused: /HOLD/ },
  },
  {
    name: "30. the owner's hold",
    obs: { tick: false, command: "hold" },
    expect: { state: "HOLD", transitions: ["MASTER_ACTIVE→HOLD"] },
  },
  {
    name: "31. master address change while active: one update",
    obs: { master: node("m1", 5, "81.2.69.200") },
    expect: { state: "MASTER_ACTIVE", dns: ["address 81.2.69.200"], notify: 1 },
  },
  {
    name: "32. address change within 5 min of the last update: deferred",
    state: { lastUpdateAt: T - 2 * MIN },
    obs: { master: node("m1", 5, "81.2.69.200") },
    expect: { state: "MASTER_ACTIVE", dns: [], notify: 0 },
  },
  {
    name: "33. the standby's address changes while it is active: update",
    state: { state: "STANDBY_ACTIVE", epoch: 2, active: "standby", target: S_IP },
    obs: { master: node("m1", 900, M_IP), standby: node("s1", 5, "81.2.69.161") },
    expect: { state: "STANDBY_ACTIVE", dns: ["address 81.2.69.161"] },
  },
  {
    name: "34. first tick of a new watchdog: the record is set to the master",
    state: { target: null },
    expect: { state: "MASTER_ACTIVE", dns: [`initial ${M_IP}`], notify: 0 },
  },
  {
    name: "35. record edited by hand: set back (drift)",
    obs: { recordContent: "81.2.69.99" },
    expect: { state: "MASTER_ACTIVE", dns: [`drift ${M_IP}`], notify: 1 },
  },
  {
    name: "36. drift while holding: left alone",
    state: { state: "HOLD", holdReason: "x" },
    obs: { recordContent: "81.2.69.99" },
    expect: { state: "HOLD", dns: [] },
  },
  {
    name: "37. a duplicate tick (same scheduledTime): nothing at all",
    state: { lastTick: T },
    obs: { master: node("m1", 900, M_IP) },
    expect: { state: "MASTER_ACTIVE", transitions: [], dns: [], notify: 0 },
  },
  {
    name: "38. a late tick (earlier scheduledTime): nothing at all",
    state: { lastTick: T + MIN },
    obs: { master: node("m1", 900, M_IP) },
    expect: { state: "MASTER_ACTIVE", transitions: [], dns: [] },
  },
  {
    name: "39. the standby's copy goes stale: one warning",
    obs: { standby: node("s1", 30, S_IP, T, 2 * 86_400) },
    expect: { state: "MASTER_ACTIVE", notify: 1, dns: [] },
  },
];

describe("decide(): one step per scenario", () => {
  it.each(cases)("$name", (c) => {
    const before = state(c.state);
    const d = decide(before, obs(c.obs), { ...cfg, ...c.cfg }, c.now ?? T);
    const k = kinds(d.actions);
    expect(d.state.state).toBe(c.expect.state);
    if (c.expect.refused) {
      expect(d.refused).toMatch(c.expect.refused);
      expect(d.state).toEqual(before);
      expect(d.actions).toEqual([]);
      return;
    }
    expect(d.refused).toBeUndefined();
    if (c.expect.transitions) expect(k.transitions).toEqual(c.expect.transitions);
    if (c.expect.dns) expect(k.dns).toEqual(c.expect.dns);
    if (c.expect.notify !== undefined) expect(k.notify).toBe(c.expect.notify);
    if (c.expect.epoch !== undefined) expect(d.state.epoch).toBe(c.expect.epoch);
    if (c.expect.active) expect(d.state.active).toBe(c.expect.active);
    if (c.expect.downCount !== undefined) expect(d.state.downCount).toBe(c.expect.downCount);
    // Every transition is announced.
    expect(k.notify).toBeGreaterThanOrEqual(k.transitions.length);
  });

  it("is pure: the same inputs give the same outputs, and the input state is not touched", () => {
    const s = state({ state: "MASTER_SUSPECT", downCount: 2 });
    const copy = structuredClone(s);
    const o = obs({ master: node("m1", 320, M_IP) });
    expect(decide(s, o, cfg, T)).toEqual(decide(s, o, cfg, T));
    expect(s).toEqual(copy);
  });

  it("a failover message says how old the standby's data is", () => {
    const d = decide(
      state({ state: "MASTER_SUSPECT", downCount: 2 }),
      obs({ master: node("m1", 320, M_IP), standby: node("s1", 20, S_IP, T, 12 * 60) }),
      cfg,
      T,
    );
    const n = d.actions.find((a) => a.type === "notify");
    expect(n).toMatchObject({ priority: 5, title: "demo: Failing over to the standby" });
    expect(n && n.type === "notify" && n.text).toMatch(
      /copy of the data is 12 min old \(replicated 2026-11-25T11:48:00.000Z\)/,
    );
  });
});

// ---- Timelines: many ticks of the same machine, heartbeats as a function of time. ----

interface World {
  master: (t: number) => { ageS: number | null; ip?: string };
  standby: (t: number) => { ageS: number | null; ip?: string };
  /** DNS changes are verified this many ticks after being asked (default: at once). */
  dnsDelayTicks?: number;
  commands?: Record<number, Command>;
}

/** Runs ticks at T, T+1 min, …; settles switches the way tick.ts does. Returns the log of actions. */
function run(
  w: World,
  minutes: number,
  c: WatchConfig = cfg,
  start: WatchState = state({ lastTick: T - MIN }),
) {
  let s = start;
  let pendingUntil = -1;
  const log: string[] = [];
  const dnsWrites: string[] = [];
  const at = (t: number): Observations => {
    const m = w.master(t);
    const sb = w.standby(t);
    return {
      tick: true,
      dnsPending: t < pendingUntil ? 1 : 0,
      master: node("m1", m.ageS, m.ip ?? M_IP, t),
      standby: node("s1", sb.ageS, sb.ip ?? S_IP, t),
    };
  };
  const apply = (d: ReturnType<typeof decide>, t: number) => {
    s = d.state;
    for (const a of d.actions) {
      if (a.type === "transition") log.push(`${(t - T) / MIN}: ${a.from}→${a.to}`);
      if (a.type === "dns") {
        dnsWrites.push(`${(t - T) / MIN}: ${a.kind} ${a.desired}`);
        pendingUntil = t + (w.dnsDelayTicks ?? 0) * MIN;
      }
    }
  };
  for (let i = 0; i < minutes; i++) {
    const t = T + i * MIN;
    const cmd = w.commands?.[i];
    if (cmd) apply(decide(s, { ...at(t), tick: false, command: cmd }, c, t), t);
    apply(decide(s, at(t), c, t), t);
    // The same tick delivered twice changes nothing.
    const again = decide(s, at(t), c, t);
    expect(again.actions).toEqual([]);
    if (s.state === "FAILING_OVER" || s.state === "FAILING_BACK")
      apply(decide(s, { ...at(t), tick: false }, c, t), t);
  }
  return { state: s, log, dnsWrites };
}

/** Heartbeats every minute until `deadAt` (minutes), silence after; back from `backAt`. */
const beats =
  (deadAt: number, backAt = Infinity) =>
  (t: number) => {
    const minute = (t - T) / MIN;
    if (minute < deadAt) return { ageS: 10 };
    if (minute < backAt) return { ageS: (minute - deadAt) * 60 + 50 };
    return { ageS: 10 };
  };
const alive = () => ({ ageS: 10 });

describe("decide(): timelines", () => {
  it("master dies at minute 5: suspect once the lease is gone, failover at the 3rd silent tick, one DNS write", () => {
    const r = run({ master: beats(5), standby: alive }, 20);
    expect(r.log).toEqual([
      "8: MASTER_ACTIVE→MASTER_SUSPECT",
      "10: MASTER_SUSPECT→FAILING_OVER",
      "10: FAILING_OVER→STANDBY_ACTIVE",
    ]);
    expect(r.dnsWrites).toEqual([`10: failover ${S_IP}`]);
    expect(r.state).toMatchObject({ state: "STANDBY_ACTIVE", epoch: 2, active: "standby" });
  });

  it("both die: NO_STANDBY and never a DNS write", () => {
    const r = run({ master: beats(5), standby: beats(4) }, 60);
    expect(r.log).toEqual(["8: MASTER_ACTIVE→MASTER_SUSPECT", "10: MASTER_SUSPECT→NO_STANDBY"]);
    expect(r.dnsWrites).toEqual([]);
  });

  it("DNS failing for 4 ticks then recovering: FAILING_OVER throughout, one change asked, then STANDBY_ACTIVE", () => {
    const r = run({ master: beats(5), standby: alive, dnsDelayTicks: 4 }, 20);
    expect(r.log).toEqual([
      "8: MASTER_ACTIVE→MASTER_SUSPECT",
      "10: MASTER_SUSPECT→FAILING_OVER",
      "14: FAILING_OVER→STANDBY_ACTIVE",
    ]);
    expect(r.dnsWrites).toEqual([`10: failover ${S_IP}`]);
  });

  it("master back, manual failback: waits for the owner, then fails back", () => {
    const r = run({ master: beats(5, 30), standby: alive, commands: { 50: "failback" } }, 60);
    expect(r.log).toEqual([
      "8: MASTER_ACTIVE→MASTER_SUSPECT",
      "10: MASTER_SUSPECT→FAILING_OVER",
      "10: FAILING_OVER→STANDBY_ACTIVE",
      "30: STANDBY_ACTIVE→MASTER_RECOVERING",
      "50: MASTER_RECOVERING→FAILING_BACK",
      "50: FAILING_BACK→MASTER_ACTIVE",
    ]);
    expect(r.dnsWrites).toEqual([`10: failover ${S_IP}`, `50: failback ${M_IP}`]);
    expect(r.state.epoch).toBe(3);
  });

  it("master back, automatic failback: after the stable period (15 min)", () => {
    const r = run({ master: beats(5, 30), standby: alive }, 60, { ...cfg, failback: "auto" });
    expect(r.log.slice(3)).toEqual([
      "30: STANDBY_ACTIVE→MASTER_RECOVERING",
      "45: MASTER_RECOVERING→FAILING_BACK",
      "45: FAILING_BACK→MASTER_ACTIVE",
    ]);
  });

  it("a flapping master (dies every few minutes, auto failback): at most 2 switches, then the failover that is due, then HOLD", () => {
    // Dead 5–25, back 25–50, dead from 50 on: the 3rd switch (failover at 55) happens, then HOLD.
    const master = (t: number) => {
      const m = (t - T) / MIN;
      if (m < 5) return { ageS: 10 };
      if (m < 25) return { ageS: (m - 5) * 60 + 50 };
      if (m < 50) return { ageS: 10 };
      return { ageS: (m - 50) * 60 + 50 };
    };
    const r = run({ master, standby: alive }, 180, { ...cfg, failback: "auto" });
    const switches = r.dnsWrites.filter((x) => /failover|failback/.test(x));
    expect(switches).toEqual([
      `10: failover ${S_IP}`,
      `40: failback ${M_IP}`,
      `55: failover ${S_IP}`,
    ]);
    expect(r.log.at(-1)).toBe("55: FAILING_OVER→HOLD");
    expect(r.state).toMatchObject({ state: "HOLD", active: "standby" });
  });

  it("address change: exactly one update, even over many ticks", () => {
    const master = (t: number) => ({ ageS: 10, ip: t - T >= 3 * MIN ? "81.2.69.201" : M_IP });
    const r = run(
      { master, standby: alive },
      30,
      cfg,
      state({ lastTick: T - MIN, lastUpdateAt: T - 60 * MIN }),
    );
    expect(r.dnsWrites).toEqual(["3: address 81.2.69.201"]);
    expect(r.log).toEqual([]);
  });

  it("an address that flips twice inside the rate limit: the second change waits its turn", () => {
    const master = (t: number) => {
      const m = (t - T) / MIN;
      return { ageS: 10, ip: m < 2 ? M_IP : m < 4 ? "81.2.69.201" : "81.2.69.202" };
    };
    const r = run(
      { master, standby: alive },
      12,
      cfg,
      state({ lastTick: T - MIN, lastUpdateAt: T - 60 * MIN }),
    );
    expect(r.dnsWrites).toEqual(["2: address 81.2.69.201", "7: address 81.2.69.202"]);
  });

  it("skipped ticks are harmless: the switch comes later, never twice", () => {
    let s = state({ lastTick: T - MIN });
    const o = (t: number) =>
      obs({ master: node("m1", (t - T) / 1000 + 200, M_IP, t), standby: node("s1", 10, S_IP, t) });
    const writes: string[] = [];
    for (const minute of [0, 7, 8, 30]) {
      const t = T + minute * MIN;
      const d = decide(s, o(t), cfg, t);
      s = d.state;
      for (const a of d.actions) if (a.type === "dns") writes.push(`${minute}: ${a.kind}`);
    }
    expect(writes).toEqual(["8: failover"]);
    expect(s.state).toBe("STANDBY_ACTIVE");
  });
});
