/**
 * SQL of the members of a stored JSON object named in a JSON array of keys, as a JSON array of
 * [key, value] pairs, the keys not stored left out: D1 picks them out, so the stored object never
 * travels whole. With `nested`, each value (itself an object) comes as pairs too. An empty text
 * counts as an empty object. The keys are visitor, address or host keys (the key alphabet, see
 * worker/core/partial.ts), safe inside a quoted JSON path.
 *
 * Pairs rather than an object: the keys are hashes, new at nearly every read, and V8 gives each
 * small object parsed with keys it never saw a shape of its own, which costs several times what
 * an array and a Map do (0.5 against 0.07 ms for 320 keys in 40 objects, in Node).
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

/**
 * SQL of a JSON object made of a JSON array of [key, value] pairs (the form jsonPairs reads);
 * with `nested`, each value is pairs too, made an object in turn. A null value stays null: in a
 * merge patch it removes the member.
 */
export function jsonObjectOf(pairsJson: string, nested = false): string {
  const value = nested
    ? `json((SELECT json_group_object(v.value ->> 0, v.value -> 1) FROM json_each(p.value -> 1) AS v))`
    : "p.value -> 1";
  return `(SELECT json_group_object(p.value ->> 0, ${value}) FROM json_each(${pairsJson}) AS p)`;
}
