/**
 * The watchdog's state machine: a pure function from (state, observations, config, now) to the next
 * state and the actions that go with it (audited transitions, DNS changes, notifications). No I/O:
 * the caller reads the observations, persists the result by compare-and-swap and drains the
 * outboxes (worker/watchdog/tick.ts).
 *
 * MASTER_ACTIVE → MASTER_SUSPECT (master heartbeat older than the lease) → FAILING_OVER (silent for
 * `downTicks` ticks, standby alive) → STANDBY_ACTIVE (record verified) → MASTER_RECOVERING (master
 * heartbeats again) → FAILING_BACK (owner's command, or `auto` after `upTicks` ticks and the stable
 * period) → MASTER_ACTIVE. NO_STANDBY: the master is due to fail over but the standby is silent too
 * (or, with `stale: refuse`, its copy of the data is older than `replicationMaxAgeMs`); nothing is
 * written. HOLD: an automatic switch beyond `maxSwitches` in the window (a failover still
 * happens once, then the machine freezes on the standby: freezing on a dead master would trade a flap
 * for an outage), or the owner's "hold"; only "release" leaves it.
 *
 * Dynamic DNS runs beside the states: when the active node's address differs from the record's
 * target, one update is asked, at most once per `minUpdateMs` (ddclient's min-interval).
 */
import type {
  Action,
  Command,
  Decision,
  NodeView,
  Observations,
  Priority,
  Role,
  StateName,
  WatchConfig,
  WatchState,
} from "./model";
import { describeAge } from "./messages";

export function decide(
  prev: WatchState,
  obs: Observations,
  cfg: WatchConfig,
  now: number,
): Decision {
  // A tick at or before the last processed one (a duplicate or late cron fire) changes nothing.
  if (obs.tick && prev.lastTick !== null && now <= prev.lastTick)
    return { state: prev, actions: [] };
  const m = new Machine(prev, obs, cfg, now);
  if (obs.command) {
    const refused = m.command(obs.command);
    if (refused) return { state: prev, actions: [], refused };
  }
  m.settle();
  if (obs.tick) {
    m.state.lastTick = now;
    m.tick();
    m.replication();
  }
  m.follow();
  return { state: m.state, actions: m.actions };
}

/**
 * Every message a transition sends, by the event it announces, not by the state it enters: a
 * state is entered for several reasons (STANDBY_ACTIVE after a failover, and again when a
 * recovering master falls silent), and each reason gets its own title.
 */
export const EVENTS = {
  masterSilent: { title: "Master server silent", priority: 3 },
  masterBack: { title: "Master server heartbeats again", priority: 3 },
  failingOver: { title: "Failing over to the standby", priority: 5 },
  standbyActive: { title: "Fallback server activated", priority: 4 },
  masterRecovering: { title: "Master server back", priority: 3 },
  masterSilentAgain: { title: "Master server silent again, the standby stays active", priority: 4 },
  failingBack: { title: "Failing back to the master", priority: 4 },
  masterActive: { title: "Master server active", priority: 3 },
  noStandby: { title: "Master down, standby not available: no action", priority: 5 },
  staleStandby: { title: "Master down, standby data too old: no failover", priority: 5 },
  holdByOwner: { title: "Watchdog on hold, as the owner asked", priority: 4 },
  holdTooManySwitches: { title: "Watchdog on hold: too many switches", priority: 5 },
  holdFailbackRefused: { title: "Watchdog on hold: failback refused", priority: 5 },
  released: { title: "Watchdog released by the owner", priority: 3 },
} as const satisfies Record<string, { title: string; priority: Priority }>;

export type EventName = keyof typeof EVENTS;

class Machine {
  readonly state: WatchState;
  readonly actions: Action[] = [];
  private readonly master: NodeView | null;
  private readonly standby: NodeView | null;

  constructor(
    prev: WatchState,
    private readonly obs: Observations,
    private readonly cfg: WatchConfig,
    private readonly now: number,
  ) {
    this.state = {
      ...prev,
      roleChanges: prev.roleChanges.filter((t) => now - t < cfg.switchWindowMs),
    };
    this.master = obs.master;
    this.standby = obs.standby;
  }

  private alive(n: NodeView | null): n is NodeView {
    return n !== null && n.lastSeen !== null && this.now - n.lastSeen <= this.cfg.leaseMs;
  }

  /** Alive and with an address of the record's family: a node the record can point at. */
  private usable(n: NodeView | null): n is NodeView & { address: string } {
    return this.alive(n) && n.address !== null;
  }

  private silence(n: NodeView | null): string {
    if (!n) return "no such node is registered";
    if (n.lastSeen === null) return `${n.name} never sent a heartbeat`;
    return `${n.name} silent for ${describeAge(this.now - n.lastSeen)} (lease ${describeAge(this.cfg.leaseMs)})`;
  }

  private go(to: StateName, event: EventName, reason: string, detail = reason): void {
    const from = this.state.state;
    this.state.state = to;
    this.state.since = this.now;
    this.actions.push({ type: "transition", from, to, epoch: this.state.epoch, reason });
    const { title, priority } = EVENTS[event];
    this.notify(
      `${this.cfg.site}: ${event === "standbyActive" ? `${title} (epoch ${this.state.epoch})` : title}`,
      `${this.cfg.site} (${this.cfg.record}): ${detail}`,
      priority,
    );
  }

  private notify(title: string, text: string, priority: Priority): void {
    this.actions.push({ type: "notify", title, text, priority });
  }

  private switchTo(
    role: Role,
    to: "FAILING_OVER" | "FAILING_BACK",
    node: NodeView & { address: string },
    reason: string,
    automatic: boolean,
  ): void {
    const s = this.state;
    const overLimit = automatic && s.roleChanges.length >= this.cfg.maxSwitches;
    s.holdReason = overLimit
      ? `${s.roleChanges.length + 1} role changes within ${describeAge(this.cfg.switchWindowMs)} (limit ${this.cfg.maxSwitches})`
      : null;
    s.epoch += 1;
    s.active = role;
    // The flap limit counts automatic switches only: the owner's own failback is no flap.
    if (automatic) s.roleChanges = [...s.roleChanges, this.now];
    s.downCount = 0;
    s.upCount = 0;
    s.upSince = null;
    this.actions.push({
      type: "dns",
      kind: role === "standby" ? "failover" : "failback",
      desired: node.address,
      expectedOld: s.target,
    });
    s.target = node.address;
    let detail = `${reason}. The record ${this.cfg.record} now points at ${node.name} (${node.address}), epoch ${s.epoch}.`;
    if (role === "standby") detail += ` ${this.replicationNote(node)}`;
    if (overLimit)
      detail += ` This is one switch too many (${s.holdReason}): the watchdog will hold afterwards.`;
    this.go(to, role === "standby" ? "failingOver" : "failingBack", reason, detail);
  }

  private replicationNote(n: NodeView): string {
    const at = n.replicatedAt === null ? Number.NaN : new Date(n.replicatedAt).getTime();
    // A time no Date can hold (it came from storage) reads as unknown: this path must not throw.
    if (Number.isNaN(at))
      return `The standby never reported when its copy of the data last succeeded.`;
    return `The standby's copy of the data is ${describeAge(Math.max(0, this.now - at))} old (replicated ${new Date(at).toISOString()}).`;
  }

  /** An owner's command; returns why it is refused, if it is. */
  command(c: Command): string | undefined {
    const s = this.state;
    if (c === "hold") {
      if (s.state === "HOLD") return "the watchdog already holds";
      s.holdReason = "the owner asked to hold";
      this.go(
        "HOLD",
        "holdByOwner",
        s.holdReason,
        "the owner asked to hold: no automatic DNS change until released.",
      );
      return undefined;
    }
    if (c === "release") {
      if (s.state !== "HOLD")
        return `only a watchdog on HOLD can be released; the state is ${s.state}`;
      s.holdReason = null;
      s.roleChanges = [];
      s.downCount = 0;
      s.upCount = 0;
      s.upSince = null;
      const masterUp = this.alive(this.master);
      let to: StateName;
      if (s.active === "master") to = masterUp ? "MASTER_ACTIVE" : "MASTER_SUSPECT";
      else to = masterUp ? "MASTER_RECOVERING" : "STANDBY_ACTIVE";
      if (to === "MASTER_SUSPECT") s.downCount = 1;
      if (to === "MASTER_RECOVERING") {
        s.upCount = 1;
        s.upSince = this.now;
      }
      this.go(
        to,
        "released",
        "released by the owner",
        `released by the owner; the ${s.active} is active, the watchdog resumes in ${to}.`,
      );
      return undefined;
    }
    // failback
    if (
      s.active !== "standby" ||
      (s.state !== "MASTER_RECOVERING" && s.state !== "STANDBY_ACTIVE")
    ) {
      return `failback needs the standby active and the master back (MASTER_RECOVERING); the state is ${s.state}`;
    }
    if (!this.usable(this.master)) return `the master is not back: ${this.silence(this.master)}`;
    this.switchTo("master", "FAILING_BACK", this.master, "the owner asked for failback", false);
    return undefined;
  }

  /** FAILING_OVER / FAILING_BACK end once every DNS change asked is verified at the provider. */
  settle(): void {
    const s = this.state;
    if ((s.state !== "FAILING_OVER" && s.state !== "FAILING_BACK") || this.obs.dnsPending > 0)
      return;
    // A switch asked in this very call has its DNS change still to do.
    if (this.actions.some((a) => a.type === "dns")) return;
    const node = s.active === "master" ? this.master : this.standby;
    const where = `the record ${this.cfg.record} holds ${s.target ?? "?"} (${node?.name ?? s.active})`;
    if (s.holdReason) {
      this.go(
        "HOLD",
        "holdTooManySwitches",
        s.holdReason,
        `${where}; holding: ${s.holdReason}. Release with POST /api/v1/sites/${this.cfg.site}/watchdog/release.`,
      );
    } else if (s.state === "FAILING_OVER") {
      this.go("STANDBY_ACTIVE", "standbyActive", `${where}, verified`);
    } else {
      this.go("MASTER_ACTIVE", "masterActive", `${where}, verified`);
    }
  }

  /** The per-tick rules: timeouts and consecutive counts. */
  tick(): void {
    const s = this.state;
    const masterUp = this.alive(this.master);
    switch (s.state) {
      case "MASTER_ACTIVE":
        if (!masterUp) {
          s.downCount = 1;
          this.go("MASTER_SUSPECT", "masterSilent", this.silence(this.master));
        } else s.downCount = 0;
        break;
      case "MASTER_SUSPECT":
        if (masterUp) {
          s.downCount = 0;
          this.go("MASTER_ACTIVE", "masterBack", "master heartbeats again");
          break;
        }
        s.downCount += 1;
        if (s.downCount >= this.cfg.downTicks)
          this.failoverOrNot(`${this.silence(this.master)}, ${s.downCount} ticks`);
        break;
      case "NO_STANDBY":
        if (masterUp) {
          s.downCount = 0;
          this.go("MASTER_ACTIVE", "masterBack", "master heartbeats again");
        } else {
          const fit = this.standbyFit();
          if (fit.ok)
            this.switchTo(
              "standby",
              "FAILING_OVER",
              fit.node,
              `standby available again while ${this.silence(this.master)}`,
              true,
            );
        }
        break;
      case "STANDBY_ACTIVE":
        if (masterUp && this.master.address !== null) {
          s.upCount = 1;
          s.upSince = this.now;
          s.downCount = 0;
          this.go(
            "MASTER_RECOVERING",
            "masterRecovering",
            "master heartbeats again",
            this.recoveringText(),
          );
        }
        break;
      case "MASTER_RECOVERING":
        this.recovering();
        break;
      default:
        // FAILING_OVER / FAILING_BACK wait for DNS (settle); HOLD waits for the owner.
        break;
    }
  }

  private failoverOrNot(why: string): void {
    const unfit = this.standbyFit();
    if (unfit.ok) {
      this.switchTo("standby", "FAILING_OVER", unfit.node, why, true);
      return;
    }
    this.go(
      "NO_STANDBY",
      unfit.event,
      `${why}; standby unavailable: ${unfit.why}`,
      `${why}, and the standby is unavailable (${unfit.why}). The record is left alone.`,
    );
  }

  /**
   * The standby, when it can take over now; else why not: silent, no address of the record's
   * family, or (with `stale: refuse`) a copy of the data older than the limit, or of unknown age.
   */
  private standbyFit():
    | { ok: true; node: NodeView & { address: string } }
    | { ok: false; event: "noStandby" | "staleStandby"; why: string } {
    const sb = this.standby;
    if (!this.usable(sb)) {
      const why =
        sb && this.alive(sb)
          ? `${sb.name} has no ${this.cfg.type === "A" ? "IPv4" : "IPv6"} address`
          : this.silence(sb);
      return { ok: false, event: "noStandby", why };
    }
    if (this.cfg.stale !== "refuse") return { ok: true, node: sb };
    const limit = `limit ${describeAge(this.cfg.replicationMaxAgeMs)}, --stale refuse`;
    if (sb.replicatedAt === null)
      return {
        ok: false,
        event: "staleStandby",
        why: `${sb.name} never reported when its copy of the data last succeeded (${limit})`,
      };
    const age = this.now - sb.replicatedAt;
    if (age > this.cfg.replicationMaxAgeMs)
      return {
        ok: false,
        event: "staleStandby",
        why: `${sb.name}'s copy of the data is ${describeAge(age)} old (${limit})`,
      };
    return { ok: true, node: sb };
  }

  private recoveringText(): string {
    const m = this.master!;
    const how =
      this.cfg.failback === "manual"
        ? `Failback is manual: POST /api/v1/sites/${this.cfg.site}/watchdog/failback with the read token.`
        : `Failback is automatic after ${this.cfg.upTicks} ticks and ${describeAge(this.cfg.stableMs)} of steady heartbeats.`;
    return `master ${m.name} heartbeats again (${m.address}); the standby stays active. ${how}`;
  }

  private recovering(): void {
    const s = this.state;
    if (!this.usable(this.master)) {
      s.upCount = 0;
      s.upSince = null;
      s.downCount = 0;
      this.go(
        "STANDBY_ACTIVE",
        "masterSilentAgain",
        `master silent again: ${this.silence(this.master)}`,
      );
      return;
    }
    s.upCount += 1;
    s.downCount = this.alive(this.standby) ? 0 : s.downCount + 1;
    if (s.downCount >= this.cfg.downTicks) {
      this.switchTo(
        "master",
        "FAILING_BACK",
        this.master,
        `the active standby is down (${this.silence(this.standby)}) and the master is back`,
        true,
      );
      return;
    }
    const steady =
      s.upCount >= this.cfg.upTicks &&
      s.upSince !== null &&
      this.now - s.upSince >= this.cfg.stableMs;
    if (this.cfg.failback !== "auto" || !steady) return;
    if (s.roleChanges.length >= this.cfg.maxSwitches) {
      s.holdReason = `failback refused: ${s.roleChanges.length} role changes within ${describeAge(this.cfg.switchWindowMs)} (limit ${this.cfg.maxSwitches})`;
      this.go(
        "HOLD",
        "holdFailbackRefused",
        s.holdReason,
        `${s.holdReason}; the standby stays active. Release with POST /api/v1/sites/${this.cfg.site}/watchdog/release.`,
      );
      return;
    }
    this.switchTo(
      "master",
      "FAILING_BACK",
      this.master,
      `master steady for ${describeAge(this.now - (s.upSince ?? this.now))}`,
      true,
    );
  }

  /** A standby copy older than the configured age: one warning when it goes stale, one when fresh again. */
  replication(): void {
    const s = this.state;
    const at = this.standby?.replicatedAt ?? null;
    if (at === null) return;
    const stale = this.now - at > this.cfg.replicationMaxAgeMs;
    if (stale === s.replicationStale) return;
    s.replicationStale = stale;
    if (stale)
      this.notify(
        `${this.cfg.site}: standby data is stale`,
        `${this.cfg.site}: the standby's copy of the data is ${describeAge(this.now - at)} old (limit ${describeAge(this.cfg.replicationMaxAgeMs)}).`,
        4,
      );
    else
      this.notify(
        `${this.cfg.site}: standby data is fresh again`,
        `${this.cfg.site}: the standby's copy of the data is ${describeAge(Math.max(0, this.now - at))} old.`,
        2,
      );
  }

  /** Dynamic DNS and drift: keep the record on the active node's address. Never while holding. */
  follow(): void {
    const s = this.state;
    if (s.state === "HOLD") return;
    const node = s.active === "master" ? this.master : this.standby;
    const desired = node?.address ?? null;
    const switching = s.state === "FAILING_OVER" || s.state === "FAILING_BACK";
    const rateOk = s.lastUpdateAt === null || this.now - s.lastUpdateAt >= this.cfg.minUpdateMs;
    if (desired !== null && desired !== s.target) {
      if (s.target === null || switching) {
        this.actions.push({
          type: "dns",
          kind: s.target === null ? "initial" : "address",
          desired,
          expectedOld: s.target,
        });
        s.target = desired;
      } else if (rateOk) {
        this.actions.push({ type: "dns", kind: "address", desired, expectedOld: s.target });
        this.notify(
          `${this.cfg.site}: ${s.active} address changed`,
          `${this.cfg.site}: ${node!.name} (${s.active}) moved from ${s.target} to ${desired}; updating ${this.cfg.record}.`,
          3,
        );
        s.target = desired;
        s.lastUpdateAt = this.now;
      }
      return;
    }
    const seen = this.obs.recordContent;
    if (
      !this.obs.tick ||
      switching ||
      seen === undefined ||
      s.target === null ||
      seen === s.target ||
      this.obs.dnsPending > 0 ||
      !rateOk
    )
      return;
    this.actions.push({ type: "dns", kind: "drift", desired: s.target, expectedOld: seen });
    this.notify(
      `${this.cfg.site}: record changed outside Vigie`,
      `${this.cfg.site}: ${this.cfg.record} holds ${seen ?? "nothing"}, expected ${s.target}; setting it back.`,
      4,
    );
    s.lastUpdateAt = this.now;
  }
}
