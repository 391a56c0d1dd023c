/**
 * A panel of a period is stored as a head — its top HEAD_ROWS rows in report order, with the
 * panel's totals, in one D1 row — and a tail of per-key rows below it. A report reads the head
 * (one row per panel, whatever the panel's size); a chunk reads the head and the tail rows of the
 * keys it touches, and writes the head and only the tail rows that changed.
 *
 * The tail keeps a bound: the largest row ever written to it (its hits, pages and key). Every tail
 * row ranks at or below that bound, so every head row that ranks at or above it is in its true
 * place. For panels whose rows only grow (every per-line panel), rows are written to the tail only
 * when they rank below the whole head, and the head's last row only rises, so the head stays
 * exactly the panel's top. Derived panels (entry pages) can lose hits; then head rows may fall
 * below the bound, and a reader merges the head with the tail's top rows (see trustedRows).
 */

export const HEAD_ROWS = 100;

export interface StoredRow {
  key: string;
  hits: number;
  pages: number;
  bytes: number;
  max: number;
  /** Run that last changed the row, and its hits before that run (what changed since the previous analysis). */
  changedRun: number | null;
  hitsBefore: number;
}

export interface TailBound {
  hits: number;
  pages: number;
  key: string;
}

export interface PanelHead {
  rows: StoredRow[];
  /** Over every row, head and tail. */
  n: number;
  hits: number;
  pages: number;
  bytes: number;
  /** null while the tail is empty. */
  tail: TailBound | null;
}

/** A chunk's change to one key: hits, pages and bytes added, and the largest `max` seen. */
export interface RowDelta {
  hits: number;
  pages: number;
  bytes: number;
  max: number;
}

/** Report order: hits, then pages, descending; then the key. */
export function compareRows(a: TailBound, b: TailBound): number {
  return b.hits - a.hits || b.pages - a.pages || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export const emptyHead = (): PanelHead => ({
  rows: [],
  n: 0,
  hits: 0,
  pages: 0,
  bytes: 0,
  tail: null,
});

/** The head rows that rank at or above every tail row (all of them when the tail is empty). */
export function trustedRows(h: PanelHead): number {
  if (h.tail === null) return h.rows.length;
  let i = 0;
  while (i < h.rows.length && compareRows(h.rows[i], h.tail) <= 0) i++;
  return i;
}

export interface PanelUpdate {
  head: PanelHead;
  /** Tail rows to write (their whole values). */
  tailWrites: StoredRow[];
  /** Tail rows to delete (moved into the head, or down to no hits). */
  tailDeletes: string[];
}

/**
 * Applies a chunk's deltas to a panel. `tails` holds the stored tail rows of the touched keys that
 * are not in the head (a key absent from both is new). `runId` marks the rows it changes. Once
 * the panel stores `keyLimit` keys, a new key adds to its totals only: the panel's storage is
 * bounded, its totals stay exact, and the keys it keeps are those that came first.
 */
export function updatePanel(
  stored: PanelHead | undefined,
  tails: Map<string, StoredRow>,
  deltas: Map<string, RowDelta>,
  runId: number,
  keyLimit = Number.POSITIVE_INFINITY,
): PanelUpdate {
  const head = stored ?? emptyHead();
  const out: PanelHead = { ...head, rows: [] };
  const inHead = new Map(head.rows.map((r) => [r.key, r]));
  const touched = new Map<string, StoredRow>();
  const wasTail = new Set<string>();
  const tailDeletes: string[] = [];
  for (const [key, d] of deltas) {
    const before = inHead.get(key) ?? tails.get(key);
    if (before === undefined && d.hits > 0 && out.n >= keyLimit) {
      out.hits += d.hits;
      out.pages += d.pages;
      out.bytes += d.bytes;
      continue;
    }
    if (tails.has(key) && !inHead.has(key)) wasTail.add(key);
    const r: StoredRow = before
      ? { ...before }
      : { key, hits: 0, pages: 0, bytes: 0, max: 0, changedRun: null, hitsBefore: 0 };
    r.hitsBefore = r.changedRun === runId ? r.hitsBefore : r.hits;
    r.changedRun = runId;
    const present = r.hits > 0;
    r.hits += d.hits;
    r.pages += d.pages;
    r.bytes += d.bytes;
    if (d.max > r.max) r.max = d.max;
    out.hits += d.hits;
    out.pages += d.pages;
    out.bytes += d.bytes;
    if (r.hits > 0 && !present) out.n++;
    if (r.hits <= 0 && present) out.n--;
    if (r.hits > 0) touched.set(key, r);
    else if (wasTail.has(key)) tailDeletes.push(key);
    inHead.delete(key);
  }
  const candidates = [...inHead.values(), ...touched.values()].sort(compareRows);
  out.rows = candidates.slice(0, HEAD_ROWS);
  const tailWrites = candidates.slice(HEAD_ROWS);
  for (const r of out.rows) if (wasTail.has(r.key)) tailDeletes.push(r.key);
  for (const r of tailWrites) {
    if (out.tail === null || compareRows(r, out.tail) < 0)
      out.tail = { hits: r.hits, pages: r.pages, key: r.key };
  }
  return { head: out, tailWrites, tailDeletes };
}

/** The stored form of a head's rows. */
export function encodeHeadRows(rows: StoredRow[]): string {
  return JSON.stringify(
    rows.map((r) => [r.key, r.hits, r.pages, r.bytes, r.max, r.changedRun, r.hitsBefore]),
  );
}

export function decodeHeadRows(json: string): StoredRow[] {
  return (
    JSON.parse(json) as [string, number, number, number, number, number | null, number][]
  ).map(([key, hits, pages, bytes, max, changedRun, hitsBefore]) => ({
    key,
    hits,
    pages,
    bytes,
    max,
    changedRun,
    hitsBefore,
  }));
}
