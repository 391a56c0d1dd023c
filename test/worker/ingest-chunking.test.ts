import { beforeAll, describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import basjesText from "../fixtures/basjes-2015-10-hackers.combined.log?raw";
import { rng } from "../random";
import { vhostLog } from "../vhost-log";
import { createSite, lineStarts, storedFigures, uploadRange } from "./helpers";

// The basjes log as a vhost_combined one: its clients over 42 virtual hosts, so that the hidden
// vhost-days panel (a host's days) spills past its head into the tail.
/** One secret for every site here: their visitor keys, sets and sketches then compare. */
const SECRET = "chunking";
const sources = {
  "semicomplete.log": new TextEncoder().encode(semicompleteText),
  "basjes.log": new TextEncoder().encode(vhostLog(basjesText, 40)),
};
const format = (source: string) =>
  source === "basjes.log" ? "&format=vhost_combined" : "&format=combined";
const config = {
  siteHosts: ["semicomplete.com", "howto.basjes.nl"],
  watched: { addresses: ["66.249.73.135"], userAgents: ["Tiny Tiny RSS"] },
  // The two logs are five months apart and their chunks arrive in any order: every day stays
  // open here, so that every figure must come out exact (closing is tested in ingest-periods).
  openDays: 366,
  sealDays: 366,
};

/** Each source cut at random line boundaries; all chunks of all sources shuffled; some sent twice. */
function plan(seed: number) {
  const rand = rng(seed);
  const chunks: { source: string; start: number; end: number }[] = [];
  for (const [source, log] of Object.entries(sources)) {
    const starts = lineStarts(log);
    const n = 1 + Math.floor(rand() * 10);
    const cuts = new Set<number>();
    while (cuts.size < n - 1) cuts.add(starts[1 + Math.floor(rand() * (starts.length - 2))]);
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), log.length];
    for (let i = 1; i < bounds.length; i++)
      chunks.push({ source, start: bounds[i - 1], end: bounds[i] });
  }
  const sends = [...chunks];
  for (const c of chunks) if (rand() < 0.2) sends.push(c);
  for (let i = sends.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [sends[i], sends[j]] = [sends[j], sends[i]];
  }
  return sends;
}

describe("chunking does not change stored results (property test, 20 seeded splits)", () => {
  let whole: Awaited<ReturnType<typeof storedFigures>>;
  beforeAll(async () => {
    const site = await createSite("whole", { config, secret: SECRET });
    for (const [source, log] of Object.entries(sources)) {
      const res = await uploadRange(site, log, 0, log.length, { source, query: format(source) });
      expect(res.status).toBe(200);
    }
    whole = await storedFigures(site.id);
    expect(whole.months.length).toBe(2);
    // More rows than a head holds (100): some are tail rows.
    expect(whole.panels.filter((r) => r.panel === "vhost-days").length).toBeGreaterThan(100);
  });

  it.each(Array.from({ length: 20 }, (_, i) => 7000 + i))(
    "seed %i: any split, any order, repeats → the same figures",
    async (seed) => {
      const site = await createSite(`split-${seed}`, { config, secret: SECRET });
      const seen = new Set<string>();
      for (const c of plan(seed)) {
        const res = await uploadRange(
          site,
          sources[c.source as keyof typeof sources],
          c.start,
          c.end,
          { source: c.source, query: format(c.source) },
        );
        const body = (await res.json()) as { status: string };
        const key = `${c.source}:${c.start}`;
        expect(res.status).toBe(200);
        expect(body.status).toBe(seen.has(key) ? "already-applied" : "applied");
        seen.add(key);
      }
      expect(await storedFigures(site.id)).toEqual(whole);
    },
  );
});

describe("concurrent uploads from two agents for the same site", () => {
  it("all chunks of both sources sent at once, each twice: exactly the figures of one upload each", async () => {
    const whole = await createSite("concurrent-whole", { config, secret: SECRET });
    for (const [source, log] of Object.entries(sources))
      expect(
        (await uploadRange(whole, log, 0, log.length, { source, query: format(source) })).status,
      ).toBe(200);
    const site = await createSite("concurrent", { config, secret: SECRET });
    const sends = plan(4242).flatMap((c) => [c, c]);
    const replies = await Promise.all(
      sends.map(async (c) => {
        const res = await uploadRange(
          site,
          sources[c.source as keyof typeof sources],
          c.start,
          c.end,
          { source: c.source, query: format(c.source) },
        );
        return {
          key: `${c.source}:${c.start}`,
          status: res.status,
          body: (await res.json()) as { status: string },
        };
      }),
    );
    for (const r of replies) expect(r.status).toBe(200);
    const applied = replies.filter((r) => r.body.status === "applied").map((r) => r.key);
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied.length).toBe(new Set(sends.map((c) => `${c.source}:${c.start}`)).size);
    expect(await storedFigures(site.id)).toEqual(await storedFigures(whole.id));
  });
});
