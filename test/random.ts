// Seeded randomness shared by the property tests of every project (pure: runs in Node and workerd).

/** mulberry32: a small seeded generator, so a failing split can be replayed. */
export function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `lines` at random line boundaries into 1–40 chunks and shuffles them. */
export function randomChunks(lines: string[], rand: () => number): string[][] {
  const cuts = new Set<number>();
  const n = 1 + Math.floor(rand() * 40);
  while (cuts.size < n - 1) cuts.add(1 + Math.floor(rand() * (lines.length - 1)));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), lines.length];
  const chunks = bounds.slice(1).map((end, i) => lines.slice(bounds[i], end));
  for (let i = chunks.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [chunks[i], chunks[j]] = [chunks[j], chunks[i]];
  }
  return chunks;
}
