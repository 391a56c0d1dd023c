// The one gate: format, lint and typecheck, then every vitest project, then the plain closing
// line CI reads.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", env }).status ?? 1;

// The country table is generated from an npm package, never committed.
if (run("node", ["scripts/build-geo.mjs"]) !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}
// Format and lint (Biome: `npm run format` fixes the formatting), dead exports, then types.
for (const [what, cmd, args] of [
  ["format and lint", "npx", ["biome", "check", "."]],
  ["dead exports", "node", ["scripts/check-exports.mjs"]],
  ["typecheck", "npm", ["run", "--silent", "typecheck"]],
]) {
  if (run(cmd, args) !== 0) {
    console.log(`${what} failed`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}
const report = ".vitest-report.json";
rmSync(report, { force: true });
// Vitest runs under scripts/guard.mjs, in a process group of its own that the guard ends when
// this process dies, however it dies (Ctrl-C, a CI timeout's SIGKILL): no workerd, wrangler or
// npm start of the run outlives it.
const status = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [
      "scripts/guard.mjs",
      "npx",
      "vitest",
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile=${report}`,
      ...process.argv.slice(2),
    ],
    { stdio: ["pipe", "inherit", "inherit"], env, detached: true },
  );
  child.on("exit", (code) => resolve(code ?? 1));
  child.on("error", () => resolve(1));
});
let passed = 0;
let failed = 1;
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests;
  failed =
    r.numFailedTests +
    (r.numFailedTestSuites ?? 0) +
    (status !== 0 && r.numFailedTests === 0 ? 1 : 0);
} catch {
  // No report: vitest itself failed to start; count that as one failure.
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
