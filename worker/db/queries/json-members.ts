/**
 * SQL of the members of a stored JSON object named in a JSON array of keys, as a JSON array of
 * [key, value] pairs, the keys not stored left out: D1 picks them out, so the stored object never
 * travels whole. With `nested`, each value (itself an object) comes as pairs too. An empty text
 * counts as an empty object. The keys are visitor, address or host keys (the key alphabet, see
 * worker/core/partial.ts), safe inside a quoted JSON path.
 *
 * Pairs rather than an object: the keys are hashes, new at nearly every read, and V8 gives each
 * small object parsed with keys it never saw a shape of its own, which costs several times what
 * an array and a Map do (0.5 against 0.07 ms for 320 keys in 40 objects, in Node). The writes
 * send their merge patches as JSON text made straight from Maps (objectText in json-slices.ts).
 * D1 counts a row read for each row of json_each: the nested form costs one per visitor-day of
 * the addresses named, the writes none.
 */
export function jsonPairs(objectColumn: string, keysJson: string, nested = false): string {
  const stored = `nullif(${objectColumn}, '')`;
  const path = `'$."' || k.value || '"'`;
  const member = `json_extract(${stored}, ${path})`;
  // A subquery's value loses its JSON subtype: json() gives it back.
  const value = nested
    ? `json((SELECT json_group_array(json_array(v.key, json(v.value))) FROM json_each(${stored}, ${path}) AS v))`
    : member;
  return `(SELECT json_group_array(json_array(k.value, ${value}))
    FROM json_each(${keysJson}) AS k WHERE ${member} IS NOT NULL)`;
}
