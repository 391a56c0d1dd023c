/** A copy of `a` long enough to hold `index` (at least twice as long), new slots set to `fill`. */
export function grow<T extends Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array>(
  a: T,
  index = a.length,
  fill = 0,
): T {
  let n = a.length * 2;
  while (n <= index) n *= 2;
  const next = new (a.constructor as { new (n: number): T })(n);
  if (fill !== 0) next.fill(fill, a.length);
  next.set(a);
  return next;
}
