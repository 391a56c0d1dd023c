// Writing the fixture log the way a web server and logrotate do: lines appended (sometimes half a
// line first), files renamed, compressed (gzip, one or several members), or copied and truncated.
import {
  appendFileSync,
  copyFileSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { gzipSync } from "node:zlib";
import { LOG } from "./harness";

/** Byte offset of the start of each line of the fixture, plus its length. */
export const LINE_STARTS: number[] = (() => {
  const starts = [0];
  for (let i = LOG.indexOf(10); i !== -1 && i + 1 < LOG.length; i = LOG.indexOf(10, i + 1))
    starts.push(i + 1);
  starts.push(LOG.length);
  return starts;
})();
export const LINES = LINE_STARTS.length - 1;

/** Lines [from, to) of the fixture. */
export const lines = (from: number, to: number) => LOG.subarray(LINE_STARTS[from], LINE_STARTS[to]);

/** Whether line i's text appears only once in the fixture (a file starting there has its own identity). */
export function uniqueLine(i: number): boolean {
  const text = lines(i, i + 1);
  return LOG.indexOf(text) === LINE_STARTS[i] && LOG.indexOf(text, LINE_STARTS[i] + 1) === -1;
}

/** The web server writes lines [from, to) (and optionally the first `half` bytes of line `to`). */
export function append(path: string, from: number, to: number, half = 0): void {
  appendFileSync(
    path,
    Buffer.concat([lines(from, to), LOG.subarray(LINE_STARTS[to], LINE_STARTS[to] + half)]),
  );
}

/** The rest of a line whose first `half` bytes were written, then lines up to `to`. */
export function finishLine(path: string, line: number, half: number, to: number): void {
  appendFileSync(path, LOG.subarray(LINE_STARTS[line] + half, LINE_STARTS[to]));
}

export function rename(from: string, to: string): void {
  renameSync(from, to);
}

/** gzip a rotated file in place (`name` → `name.gz`), in `members` gzip members as `cat a.gz b.gz` makes. */
export function compress(path: string, members = 1): void {
  const bytes = readFileSync(path);
  const parts: Buffer[] = [];
  for (let m = 0; m < members; m++) {
    const a = Math.floor((bytes.length * m) / members);
    const b = Math.floor((bytes.length * (m + 1)) / members);
    parts.push(gzipSync(bytes.subarray(a, b)));
  }
  writeFileSync(`${path}.gz`, Buffer.concat(parts));
  rmSync(path);
}

/** logrotate's copytruncate: copy the live file aside, then empty it in place (same inode). */
export function copyTruncate(path: string, to: string): void {
  copyFileSync(path, to);
  truncateSync(path, 0);
}
