/**
 * One virtual host's days of a month, from the hidden vhost-days panel (keys `HOST YYYY-MM-DD`,
 * see worker/core/vhost.ts): its head rows of that host, and its tail rows, which are one range
 * of the tail's primary key — at most one row a day, whatever the number of hosts.
 */
import { vhostDayOf } from "../../core/vhost";
import type { PanelHead } from "../../ingest/panel-head";

export const VHOST_DAYS = "vhost-days";

export interface VhostDay {
  date: string;
  hits: number;
  pages: number;
  bytes: number;
}

export interface VhostTailRow {
  key: string;
  hits: number;
  pages: number;
  bytes: number;
}

/** The tail rows whose key starts with `HOST ` (a space is 0x20, "!" the next byte). */
export function readVhostTail(
  db: D1Database,
  siteId: number,
  month: string,
  host: string,
): D1PreparedStatement {
  return db
    .prepare(`SELECT key, hits, pages, bytes FROM panel_tails
      WHERE site_id = ?1 AND period = ?2 AND panel = '${VHOST_DAYS}' AND key >= ?3 AND key < ?4`)
    .bind(siteId, month, `${host} `, `${host}!`);
}

/** The host's days, in date order, from the panel's head and the rows readVhostTail read. */
export function vhostDaysOf(
  head: PanelHead | undefined,
  tail: VhostTailRow[],
  host: string,
): VhostDay[] {
  const out: VhostDay[] = [];
  for (const r of [...(head?.rows ?? []), ...tail]) {
    const date = vhostDayOf(r.key, host);
    if (date !== null) out.push({ date, hits: r.hits, pages: r.pages, bytes: r.bytes });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : 1));
}
