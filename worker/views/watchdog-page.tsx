import type { TransitionRow } from "../db/queries/watchdog-events";
import type { NodeRow, Watch } from "../db/queries/watchdog-state";
import type { T } from "../i18n/translator";
import { nodeAddress, UNWATCHED } from "../watchdog/status";
import { Ext } from "./ext";
import { translateReason } from "./watchdog-reasons";
import { Layout, WatchBadge } from "./layout";
import type { PageCtx } from "./page-context";

export interface WatchdogPageProps {
  ctx: PageCtx;
  site: string;
  watch: Watch | null;
  nodes: NodeRow[];
  events: TransitionRow[];
  now: number;
  /** The reader holds the read token (cookie): the action buttons are shown. */
  canAct: boolean;
  /** A command's outcome: done (its name), refused (the watchdog's reason), or no watchdog. */
  notice?: { done: string } | { refused: string } | { unwatched: true };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const when = (t: T, ms: number | null, now: number) =>
  ms === null
    ? t("time.never")
    : t("time.ago", { time: iso(ms), age: t.age(Math.max(0, now - ms)) });
const role = (t: T, r: string) =>
  r === "master" ? t("wd.role.master") : r === "standby" ? t("wd.role.standby") : r;

/** What the owner asks the watchdog, by state: the one action that makes sense there. */
function actionFor(t: T, state: string): { command: string; label: string } | null {
  if (state === "MASTER_RECOVERING" || state === "STANDBY_ACTIVE")
    return { command: "failback", label: t("wd.action.failback") };
  if (state === "HOLD") return { command: "release", label: t("wd.action.release") };
  if (state === UNWATCHED) return null;
  return { command: "hold", label: t("wd.action.hold") };
}

/**
 * What the owner should know that is not a state, in the page's language (the same facts as
 * worker/watchdog/status.ts's `warnings`, which the JSON route gives in English): silent nodes,
 * an old standby copy, a hold and why (the watchdog's own words).
 */
function Warnings(p: { t: T; watch: Watch | null; nodes: NodeRow[]; now: number }) {
  const { t, watch: w, now } = p;
  const out = [];
  const lease = (w?.config.leaseSeconds ?? 180) * 1000;
  for (const n of p.nodes) {
    const who = { role: role(t, n.role), node: n.node };
    if (n.lastSeen === null) out.push(<li>{t("wd.warn.never", who)}</li>);
    else if (now - n.lastSeen > lease)
      out.push(<li>{t("wd.warn.silent", { ...who, age: t.age(now - n.lastSeen) })}</li>);
  }
  const standby = p.nodes.find((n) => n.role === "standby");
  const maxAge = (w?.config.replicationMaxAgeSeconds ?? 86_400) * 1000;
  if (standby?.replicatedAt != null && now - standby.replicatedAt > maxAge)
    out.push(
      <li>
        {t("wd.warn.copy", { age: t.age(now - standby.replicatedAt), limit: t.age(maxAge) })}
      </li>,
    );
  if (w?.state.state === "HOLD" && w.state.holdReason)
    out.push(
      <li>{t.rich("wd.warn.hold", { reason: <Reason t={t} reason={w.state.holdReason} /> })}</li>,
    );
  if (out.length === 0) return null;
  return (
    <section class="card" id="warnings">
      <h2>{t("wd.warnings")}</h2>
      <ul>{out}</ul>
    </section>
  );
}

/**
 * /sites/NAME/watchdog: state, nodes, the record, the transitions; behind the same access as the
 * reports. Its tables stack their cells on a phone's width (a label before each value).
 */
export function WatchdogPage(p: WatchdogPageProps) {
  const { ctx } = p;
  const { t } = ctx;
  const w = p.watch;
  const state = w?.state.state ?? UNWATCHED;
  const active = w ? p.nodes.find((n) => n.role === w.state.active)?.node : undefined;
  const action = p.canAct ? actionFor(t, state) : null;
  const notice = p.notice;
  const col = {
    node: t("wd.col.node"),
    role: t("wd.col.role"),
    address: t("wd.col.address"),
    v4: t("wd.col.v4"),
    v6: t("wd.col.v6"),
    lastSeen: t("wd.col.lastSeen"),
    agent: t("wd.col.agent"),
    copy: t("wd.col.copy"),
    at: t("wd.col.at"),
    from: t("wd.col.from"),
    to: t("wd.col.to"),
    epoch: t("wd.col.epoch"),
    reason: t("wd.col.reason"),
  };
  return (
    <Layout
      ctx={ctx}
      title={t("wd.title", { site: p.site })}
      crumbs={[{ label: p.site, href: `/sites/${p.site}/` }, { label: t("wd.subtitle") }]}
    >
      <h1>
        {p.site} <small>{t("wd.subtitle")}</small>
      </h1>
      <p class="meta">
        <WatchBadge ctx={ctx} site={p.site} state={state} /> <code>{state}</code>
        {w && (
          <>
            {" · "}
            {t("wd.epoch", { n: w.state.epoch })} ·{" "}
            {t("wd.active", { node: active ?? role(t, w.state.active) })} ·{" "}
            {t("wd.since", { time: when(t, w.state.since, p.now) })}
          </>
        )}
        {" · "}
        <a href={`/api/v1/sites/${p.site}/watchdog`}>JSON</a>
      </p>
      {notice && "done" in notice && (
        <p class="meta" role="status">
          {t("wd.done", { command: notice.done })}
        </p>
      )}
      {notice && "refused" in notice && (
        <p class="error" role="status">
          {t.rich("wd.refused", { message: <span lang="en">{notice.refused}</span> })}
        </p>
      )}
      {notice && "unwatched" in notice && (
        <p class="error" role="status">
          {t("wd.noWatch")}
        </p>
      )}
      <Warnings t={t} watch={w} nodes={p.nodes} now={p.now} />
      {action && (
        <form class="action" method="post" action={`/sites/${p.site}/watchdog/${action.command}`}>
          <button class="btn" type="submit">
            {action.label}
          </button>
        </form>
      )}
      <section class="card" id="record">
        <h2>{t("wd.record")}</h2>
        {w ? (
          <p class="wrap">
            {t("wd.recordAt", {
              record: w.config.record,
              type: w.config.type,
              provider: w.config.provider,
              content: w.state.recordContent ?? t("wd.notRead"),
            })}
            {w.state.target !== w.state.recordContent && w.state.target
              ? ` ${t("wd.beingSet", { target: w.state.target })}`
              : ""}
          </p>
        ) : (
          <p class="meta">
            {t("wd.notWatched")}{" "}
            <code>npm run site -- watch {p.site} --provider … --zone … --record …</code>
          </p>
        )}
      </section>
      <section class="card" id="nodes">
        <h2>{t("wd.nodes")}</h2>
        <table class="stack">
          <thead>
            <tr>
              <th>{col.node}</th>
              <th>{col.role}</th>
              <th>{col.address}</th>
              <th>{col.v4}</th>
              <th>{col.v6}</th>
              <th>{col.lastSeen}</th>
              <th>{col.agent}</th>
              <th>{col.copy}</th>
            </tr>
          </thead>
          <tbody>
            {p.nodes.map((n) => (
              <tr>
                <td data-label={col.node}>
                  <b>{n.node}</b>
                </td>
                <td data-label={col.role}>{role(t, n.role)}</td>
                <td data-label={col.address} class="mono">
                  {nodeAddress(n, w) ?? "—"}
                </td>
                <td data-label={col.v4} class="mono">
                  {n.v4 ?? "—"}
                </td>
                <td data-label={col.v6} class="mono">
                  {n.v6 ?? "—"}
                </td>
                <td data-label={col.lastSeen}>{when(t, n.lastSeen, p.now)}</td>
                <td data-label={col.agent}>
                  {n.version === null ? "—" : <Ext v={n.version} />}
                  {n.uptime !== null ? `, ${t("wd.up", { age: t.age(n.uptime * 1000) })}` : ""}
                  {n.load !== null ? `, ${t("wd.load", { n: t.dec(n.load, 2) })}` : ""}
                </td>
                <td data-label={col.copy}>
                  {n.role === "standby" ? when(t, n.replicatedAt, p.now) : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" id="events">
        <h2>{t("wd.events")}</h2>
        {p.events.length === 0 ? (
          <p class="meta">{t("wd.noEvents")}</p>
        ) : (
          <table class="stack">
            <thead>
              <tr>
                <th>{col.at}</th>
                <th>{col.from}</th>
                <th>{col.to}</th>
                <th class="n">{col.epoch}</th>
                <th>{col.reason}</th>
              </tr>
            </thead>
            <tbody>
              {[...p.events].reverse().map((e) => (
                <tr>
                  <td data-label={col.at} class="mono">
                    {iso(e.at)}
                  </td>
                  <td data-label={col.from}>
                    <code>{e.from}</code>
                  </td>
                  <td data-label={col.to}>
                    <code>{e.to}</code>
                  </td>
                  <td data-label={col.epoch} class="n">
                    {t.int(e.epoch)}
                  </td>
                  <td data-label={col.reason}>
                    <Reason t={t} reason={e.reason} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

/** A watchdog reason in the page's language; as stored (English) when no template fits it. */
function Reason(p: { t: T; reason: string }) {
  const said = translateReason(p.t, p.reason);
  return said === null ? <span lang="en">{p.reason}</span> : said;
}
