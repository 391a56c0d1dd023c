/**
 * The README's command blocks that run offline, against `npm start`'s local worker: a fenced `sh`
 * block right after the line `<!-- test: offline -->`. The marker may name replacements for the
 * test, `<!-- test: offline; /var/log/nginx/access.log = test/fixtures/x.log -->`, for paths that
 * exist on the reader's box and not on a test machine. The test also points
 * `http://127.0.0.1:8787` at the port its worker got.
 */
export interface ReadmeBlock {
  /** The fence's line number in the README, 1-based. */
  line: number;
  code: string;
  substitute(code: string): string;
}

export function readmeBlocks(readme: string): ReadmeBlock[] {
  const lines = readme.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!--\s*test:\s*offline\s*(.*?)\s*-->$/.exec(lines[i]);
    if (!marker) continue;
    const fence = i + 1;
    if (!/^```(sh|bash)$/.test(lines[fence] ?? ""))
      throw new Error(`README line ${i + 1}: a test marker must be followed by a sh fence`);
    const end = lines.findIndex((l, k) => k > fence && l === "```");
    if (end < 0) throw new Error(`README line ${fence + 1}: unclosed fence`);
    const pairs = marker[1]
      .split(";")
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => p.split(/\s+=\s+/) as [string, string]);
    blocks.push({
      line: fence + 1,
      code: lines.slice(fence + 1, end).join("\n"),
      substitute: (code) => pairs.reduce((c, [a, b]) => c.replaceAll(a, b), code),
    });
    i = end;
  }
  return blocks;
}
