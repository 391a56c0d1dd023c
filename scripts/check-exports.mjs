// Part of the gate: an export that nothing names, in its own file or any other, is dead code.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const files = execFileSync(
  "git",
  ["ls-files", "-co", "--exclude-standard", "*.ts", "*.tsx", "*.mjs"],
  {
    encoding: "utf8",
  },
)
  .split("\n")
  .filter((f) => f && !f.endsWith(".d.ts"));
const text = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const exportRe = /^export (?:async )?(?:const|let|function\*?|class|type|interface|enum) (\w+)/gm;
const dead = [];
for (const [file, src] of text) {
  // drizzle-kit reads every table the schema exports.
  if (file === "worker/db/schema.ts") continue;
  for (const m of src.matchAll(exportRe)) {
    const name = m[1];
    const word = new RegExp(`\\b${name}\\b`, "g");
    let used = (src.match(word) ?? []).length > 1;
    for (const [other, s] of text) if (other !== file && s.match(word)) used = true;
    if (!used) dead.push(`${file}: ${name}`);
  }
}
if (dead.length) {
  console.error(`exports used nowhere (remove them):\n  ${dead.join("\n  ")}`);
  process.exit(1);
}
