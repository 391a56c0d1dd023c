/**
 * A small glob, enough for log paths and dependency-free: `*` (any characters but '/'), `?` (one
 * character) and `[abc]`, `[a-z]`, `[!a]` (a class), in any segment of an absolute pattern. No
 * `**`, no braces. Like the shell, a wildcard never matches a leading dot.
 */
import type { AgentFs } from "./deps";

export const hasWildcard = (s: string) => /[*?[]/.test(s);

export function segmentRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) {
        re += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body[0] === "!" || body[0] === "^";
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  const noLeadingDot = segment.startsWith(".") ? "" : "(?!\\.)";
  return new RegExp(`^${noLeadingDot}${re}$`);
}

/** Every existing path the absolute pattern matches, sorted; unreadable directories match nothing. */
export async function expandGlob(fs: AgentFs, pattern: string): Promise<string[]> {
  const segments = pattern.split("/").filter((s, i) => s !== "" || i === 0);
  let found = [segments[0] === "" ? "/" : segments[0]];
  for (const seg of segments.slice(1)) {
    const next: string[] = [];
    for (const dir of found) {
      const join = (name: string) => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);
      if (!hasWildcard(seg)) {
        next.push(join(seg));
        continue;
      }
      const re = segmentRegExp(seg);
      let names: string[];
      try {
        names = await fs.readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) if (re.test(name)) next.push(join(name));
    }
    found = next;
  }
  const exists = await Promise.all(
    found.map((p) =>
      fs.stat(p).then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.filter((_, i) => exists[i]).sort();
}
