import type { NodeRow, Watch } from "../db/queries/watchdog-state";
import type { TransitionRow } from "../db/queries/watchdog-events";
import { describeAge } from "../watchdog/messages";
import { nodeAddress, UNWATCHED } from "../watchdog/status";
import { Layout } from "./layout";

export interface WatchdogPageProps {
  site: string;
  watch: Watch | null;
  nodes: NodeRow[];
  events: TransitionRow[];
  warnings: string[];
  now: number;
  /** The reader holds the read token (cookie): the action buttons are shown. */
  canAct: boolean;
  logout?: string;
  notice?: { error: boolean; text: string };
}

const when = (ms: number | null, now: number) =>
  ms === null
    ? "never"
    : `${new Date(ms).toISOString().replace(".000Z", "Z")} (${describeAge(Math.max(0, now - ms))} ago)`;

/** What the owner asks the watchdog, by state: the one action that makes sense there. */
function actionFor(state: string): { command: string; label: string } | null {
  if (state === "MASTER_RECOVERING" || state === "STANDBY_ACTIVE")
    return { command: "failback", label: "Fail back to the master" };
  if (state === "HOLD") return { command: "release", label: "Release the hold" };
  if (state === UNWATCHED) return null;
  return { command: "hold", label: "Hold (no automatic DNS change)" };
}

/** /sites/NAME/watchdog: state, nodes, the record, the transitions; behind the same access as the reports. */
export function WatchdogPage(p: WatchdogPageProps) {
  const w = p.watch;
  const state = w?.state.state ?? UNWATCHED;
  const active = w ? p.nodes.find((n) => n.role === w.state.active)?.node : undefined;
  const action = p.canAct ? actionFor(state) : null;
  return (
    <Layout
      title={`${p.site} — watchdog — Vigie`}
      crumbs={[{ label: p.site, href: `/sites/${p.site}/` }, { label: "watchdog" }]}
      logout={p.logout}
    >
      <h1>
        {p.site} <small>watchdog</small>
      </h1>
      <p class="meta">
        <strong>{state}</strong>
        {w && (
          <>
            {" "}
            · epoch {w.state.epoch} · active: {active ?? w.state.active} · since{" "}
            {when(w.state.since, p.now)}
          </>
        )}
        {" · "}
        <a href={`/api/v1/sites/${p.site}/watchdog`}>JSON</a>
      </p>
      {p.notice && (
        <p class={p.notice.error ? "error" : "meta"} role="status">
          {p.notice.text}
        </p>
      )}
      {p.warnings.length > 0 && (
        <section class="card">
          <h2>Warnings</h2>
          <ul>
            {p.warnings.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
        </section>
      )}
      {action && (
        <form class="inline" method="post" action={`/sites/${p.site}/watchdog/${action.command}`}>
          <button class="btn" type="submit">
            {action.label}
          </button>
        </form>
      )}
      <section class="card">
        <h2>Record</h2>
        {w ? (
          <p>
            {w.config.record} {w.config.type} at {w.config.provider}:{" "}
            {w.state.recordContent ?? "not read yet"}
            {w.state.target !== w.state.recordContent && w.state.target
              ? ` (being set to ${w.state.target})`
              : ""}
          </p>
        ) : (
          <p class="meta">
            Not watched:{" "}
            <code>npm run site -- watch {p.site} --provider … --zone … --record …</code>
          </p>
        )}
      </section>
      <section class="card">
        <h2>Nodes</h2>
        <table>
          <thead>
            <tr>
              <th>node</th>
              <th>role</th>
              <th>address</th>
              <th>IPv4</th>
              <th>IPv6</th>
              <th>last heartbeat</th>
              <th>agent</th>
              <th>standby copy</th>
            </tr>
          </thead>
          <tbody>
            {p.nodes.map((n) => (
              <tr>
                <td>{n.node}</td>
                <td>{n.role}</td>
                <td>{nodeAddress(n, w) ?? "—"}</td>
                <td>{n.v4 ?? "—"}</td>
                <td>{n.v6 ?? "—"}</td>
                <td>{when(n.lastSeen, p.now)}</td>
                <td>
                  {n.version ?? "—"}
                  {n.uptime !== null ? `, up ${describeAge(n.uptime * 1000)}` : ""}
                  {n.load !== null ? `, load ${n.load}` : ""}
                </td>
                <td>{n.role === "standby" ? when(n.replicatedAt, p.now) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card">
        <h2>Events</h2>
        {p.events.length === 0 ? (
          <p class="meta">No transition yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>at</th>
                <th>from</th>
                <th>to</th>
                <th>epoch</th>
                <th>reason</th>
              </tr>
            </thead>
            <tbody>
              {[...p.events].reverse().map((e) => (
                <tr>
                  <td>{new Date(e.at).toISOString().replace(".000Z", "Z")}</td>
                  <td>{e.from}</td>
                  <td>{e.to}</td>
                  <td>{e.epoch}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
