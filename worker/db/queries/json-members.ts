/**
 * SQL of the members of a stored JSON object named in a JSON array of keys, as a JSON object
 * (a key not stored maps to null): D1 picks them out, so the stored object never travels whole.
 * An empty text counts as an empty object. The keys are visitor, address or host keys (the key
 * alphabet, see worker/core/partial.ts), safe inside a quoted JSON path.
 */
export function jsonMembers(objectColumn: string, keysJson: string): string {
  return `(SELECT json_group_object(k.value, json_extract(nullif(${objectColumn}, ''), '$."' || k.value || '"'))
    FROM json_each(${keysJson}) AS k)`;
}
