/**
 * IP address text to numbers, strictly (no zone ids, no leading zeros in IPv4 octets). One parser
 * for the worker: the watchdog's address checks, the reverse-DNS names and the privacy truncation
 * of feed readers' addresses. (The analysis core keeps its own allocation-free one, in core/geo.ts.)
 */

/** The address as a 32-bit number, or null. */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Eight 16-bit groups, or null. Accepts "::" and a trailing dotted IPv4; refuses zone ids. */
export function parseIPv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return null;
  let hex = text;
  let tail: number[] = [];
  if (text.includes(".")) {
    const cut = text.lastIndexOf(":");
    const v4 = parseIPv4(text.slice(cut + 1));
    if (cut < 0 || v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    hex = text.slice(0, cut + 1);
    if (!hex.endsWith("::")) hex = hex.slice(0, -1);
  }
  const want = 8 - tail.length;
  const halves = hex.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return null;
  if (halves.length === 1) return head.length === want ? [...head, ...tail] : null;
  if (head.length + rest.length > want - 1) return null;
  return [
    ...head,
    ...new Array<number>(want - head.length - rest.length).fill(0),
    ...rest,
    ...tail,
  ];
}
