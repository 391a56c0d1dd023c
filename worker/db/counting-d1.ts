/**
 * A D1 binding that counts what every statement costs, from D1's own result meta: statements,
 * rows read, rows written. The bench turns it on (the var COST_HEADER = "1") to price each request
 * in a `Server-Timing` header; it changes nothing else. Statements keep their real objects inside,
 * so `batch()` gets what it expects.
 */
export interface D1Cost {
  queries: number;
  rowsRead: number;
  rowsWritten: number;
}

export function countingD1(db: D1Database): { db: D1Database; cost: D1Cost } {
  const cost: D1Cost = { queries: 0, rowsRead: 0, rowsWritten: 0 };
  const real = new WeakMap<object, D1PreparedStatement>();
  const add = (meta: D1Meta | undefined) => {
    cost.queries++;
    cost.rowsRead += meta?.rows_read ?? 0;
    cost.rowsWritten += meta?.rows_written ?? 0;
  };
  const wrap = (s: D1PreparedStatement): D1PreparedStatement => {
    const w = {
      bind: (...values: unknown[]) => wrap(s.bind(...values)),
      async all<T>() {
        const r = await s.all<T>();
        add(r.meta);
        return r;
      },
      async run<T>() {
        const r = await s.run<T>();
        add(r.meta);
        return r;
      },
      async first<T>(column?: string) {
        const r = await s.all<Record<string, unknown>>();
        add(r.meta);
        const row = r.results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : row[column]) as T;
      },
      raw: <T>(options?: { columnNames?: boolean }) => {
        cost.queries++;
        return options?.columnNames ? s.raw<T>({ columnNames: true }) : s.raw<T>();
      },
    } as unknown as D1PreparedStatement;
    real.set(w, s);
    return w;
  };
  const counted = {
    prepare: (sql: string) => wrap(db.prepare(sql)),
    async batch<T>(statements: D1PreparedStatement[]) {
      const rs = await db.batch<T>(statements.map((s) => real.get(s) ?? s));
      for (const r of rs) add(r.meta);
      return rs;
    },
    exec: (sql: string) => db.exec(sql),
    withSession: () => {
      throw new Error("countingD1: sessions are not counted");
    },
    dump: () => db.dump(),
  } as unknown as D1Database;
  return { db: counted, cost };
}
