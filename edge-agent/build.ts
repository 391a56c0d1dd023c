/**
 * `npm run build:agent`: bundles the agent into one dependency-free file, `dist/vigie-agent.mjs`,
 * that runs with plain `node` (18.19 or newer: docs/agent.md) on the box — copy it there, nothing to install.
 */
import { chmodSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles the agent to `outfile`; returns its size in bytes. */
export async function buildAgent(outfile = join(root, "dist", "vigie-agent.mjs")): Promise<number> {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    version: string;
  };
  await build({
    entryPoints: [join(root, "edge-agent", "cli.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    minify: true,
    legalComments: "none",
    banner: { js: "#!/usr/bin/env node" },
    define: { __VIGIE_AGENT_VERSION__: JSON.stringify(version) },
    logLevel: "warning",
  });
  chmodSync(outfile, 0o755);
  return statSync(outfile).size;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : undefined;
  const size = await buildAgent(out);
  console.log(
    `${out ?? "dist/vigie-agent.mjs"}: ${size} bytes (${(size / 1024).toFixed(1)} KiB), node >= 18.19, no dependencies`,
  );
}
