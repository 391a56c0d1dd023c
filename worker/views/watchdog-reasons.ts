/**
 * The watchdog stores its reasons in English (its JSON, history and notifications carry them as
 * they are: worker/watchdog/decide.ts writes them). A page shows them in its own language, read
 * back template by template; a reason that fits none (an older wording) is shown as stored, and
 * says so with `lang="en"`.
 */
import type { MessageKey } from "../i18n/en";
import type { T } from "../i18n/translator";

const AGE = String.raw`\d+ (?:s|min|h|d)(?: \d+ (?:min|h))?`;
const UNITS: Record<string, number> = { s: 1, min: 60, h: 3600, d: 86_400 };

/** Each parameter of a template: a nested reason, an age, or text shown as it is (names, addresses). */
type Part = "reason" | "age" | "text";

const RULES: [RegExp, MessageKey, Record<string, Part>][] = [
  [/^(.+); standby unavailable: (.+)$/, "wd.r.noStandby", { why: "reason", unfit: "reason" }],
  [/^failback refused: (.+)$/, "wd.r.failbackRefused", { why: "reason" }],
  [/^master silent again: (.+)$/, "wd.r.silentAgain", { why: "reason" }],
  [/^standby available again while (.+)$/, "wd.r.standbyAgain", { why: "reason" }],
  [
    /^the active standby is down \((.+)\) and the master is back$/,
    "wd.r.standbyDown",
    { why: "reason" },
  ],
  [/^(.+), (\d+) ticks$/, "wd.r.ticks", { why: "reason", n: "text" }],
  [/^(.+) never sent a heartbeat$/, "wd.r.never", { node: "text" }],
  [
    new RegExp(`^(.+) silent for (${AGE}) \\(lease (${AGE})\\)$`),
    "wd.r.silent",
    { node: "text", age: "age", lease: "age" },
  ],
  [/^no such node is registered$/, "wd.r.noNode", {}],
  [/^the owner asked for failback$/, "wd.r.ownerFailback", {}],
  [/^the owner asked to hold$/, "wd.r.ownerHold", {}],
  [/^released by the owner$/, "wd.r.released", {}],
  [/^master heartbeats again$/, "wd.r.masterBack", {}],
  [
    /^the record (\S+) holds (\S+) \((.+)\), verified$/,
    "wd.r.verified",
    { record: "text", target: "text", node: "text" },
  ],
  [/^(.+) has no (IPv4|IPv6) address$/, "wd.r.noFamily", { node: "text", family: "text" }],
  [
    new RegExp(
      `^(.+) never reported when its copy of the data last succeeded \\(limit (${AGE}), --stale refuse\\)$`,
    ),
    "wd.r.copyUnknown",
    { node: "text", limit: "age" },
  ],
  [
    new RegExp(`^(.+)'s copy of the data is (${AGE}) old \\(limit (${AGE}), --stale refuse\\)$`),
    "wd.r.copyOld",
    { node: "text", age: "age", limit: "age" },
  ],
  [new RegExp(`^master steady for (${AGE})$`), "wd.r.steady", { age: "age" }],
  [
    new RegExp(`^(\\d+) role changes within (${AGE}) \\(limit (\\d+)\\)$`),
    "wd.r.switches",
    { n: "text", age: "age", limit: "text" },
  ],
];

/** "3 h 5 min" → milliseconds. */
function ageMs(s: string): number {
  let seconds = 0;
  for (const [, n, unit] of s.matchAll(/(\d+) (s|min|h|d)/g)) seconds += Number(n) * UNITS[unit];
  return seconds * 1000;
}

/** The reason in the page's language, or null when no template fits it. */
export function translateReason(t: T, reason: string): string | null {
  for (const [re, key, parts] of RULES) {
    const m = re.exec(reason);
    if (!m) continue;
    const params: Record<string, string> = {};
    let i = 1;
    for (const [name, part] of Object.entries(parts)) {
      const v = m[i++];
      if (part === "age") params[name] = t.age(ageMs(v));
      else if (part === "reason") {
        const inner = translateReason(t, v);
        if (inner === null) return null;
        params[name] = inner;
      } else params[name] = v;
    }
    return t(key, params);
  }
  return null;
}
