/**
 * Answers kept by this process or isolate and shared by every analysis in it: an ingest analyses
 * each chunk with a fresh Analyzer, and the same agents, paths and referers come back chunk after
 * chunk. `f`'s answer to a key is kept (frozen: callers share it) unless the key is longer than
 * `maxKeyLength`; the keys kept add up to at most `maxChars` characters (about 2 bytes each), all
 * dropped when full, so that a Worker's 128 MB never feel it.
 */
export function remembered<V>(
  f: (key: string) => V,
  maxChars = 500_000,
  maxKeyLength = 512,
): (key: string) => V {
  const known = new Map<string, V>();
  let chars = 0;
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const answer = Object.freeze(f(key));
    if (typeof key === "string" && key.length <= maxKeyLength) {
      if (chars + key.length > maxChars) {
        known.clear();
        chars = 0;
      }
      known.set(key, answer);
      chars += key.length;
    }
    return answer;
  };
}

/** `make` per configuration, the last few kept by `keyOf(configuration)` for the next analysis with the same one. */
export function perConfiguration<C, T>(
  make: (c: C) => T,
  keyOf: (c: C) => string,
  max = 4,
): (c: C) => T {
  const made = new Map<string, T>();
  return (c) => {
    const key = keyOf(c);
    let t = made.get(key);
    if (t === undefined) {
      t = make(c);
      if (made.size >= max) made.clear();
      made.set(key, t);
    }
    return t;
  };
}
