/**
 * `vigie-agent run | heartbeat | status [--config FILE] [--dry-run] [--verbose]`, and
 * `vigie-agent cron | systemd service|timer` (the lines that run it): only maps flags onto
 * `runAgent` (agent.ts) and install-lines.ts. Silent on success unless --verbose or on a terminal,
 * so cron mails only trouble; exit codes in exit-codes.ts and docs/agent.md.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { defineCommand, renderUsage, runCommand, runMain, type CommandDef } from "citty";
import { runAgent, type Command } from "./agent";
import { nodeDeps } from "./deps";
import { EXIT } from "./exit-codes";
import { cronFile, systemdUnit, type InstallPaths } from "./install-lines";
import { AGENT_VERSION } from "./version";

const config = {
  type: "string",
  alias: "c",
  default: "/etc/vigie/agent.json",
  valueHint: "FILE",
  description: "The agent's JSON configuration",
} as const;
const common = {
  config,
  "dry-run": {
    type: "boolean",
    description: "Show what would be done; send nothing, write nothing",
  },
  verbose: {
    type: "boolean",
    alias: "v",
    description: "Details on stdout (progress is shown on a terminal anyway)",
  },
} as const;

function command(
  name: Command,
  description: string,
  extra: { json?: { type: "boolean"; description: string } } = {},
) {
  return defineCommand({
    meta: { name, description },
    args: { ...common, ...extra },
    async run({ args }) {
      process.exitCode = await runAgent(
        {
          command: name,
          configPath: args.config,
          dryRun: args["dry-run"],
          verbose: args.verbose,
          json: args.json === true,
        },
        nodeDeps(),
      );
    },
  });
}

const installArgs = {
  config,
  user: {
    type: "string",
    default: "vigie",
    valueHint: "NAME",
    description: "The user the agent runs as",
  },
} as const;
const paths = (args: { config: string; user: string }): InstallPaths => ({
  node: process.execPath,
  script: fileURLToPath(import.meta.url),
  config: resolve(args.config),
  user: args.user,
  nodeVersion: process.version,
});

class UsageError extends Error {
  override name = "UsageError";
}

// biome-ignore lint/suspicious/noExplicitAny: citty types each command by its own arguments
const commands: Record<string, CommandDef<any>> = {
  run: command(
    "run",
    'Send the heartbeat (when "node" is configured), then ship the new lines of the logs',
  ),
  heartbeat: command(
    "heartbeat",
    "Tell the worker this node is alive; run the hook when the master's address changed",
  ),
  status: command("status", "Show what is pending per log file (no network)", {
    json: { type: "boolean", description: "One JSON object" },
  }),
  cron: defineCommand({
    meta: {
      name: "cron",
      description: "Print /etc/cron.d/vigie: `run` every minute, with this node's absolute path",
    },
    args: installArgs,
    run({ args }) {
      process.stdout.write(cronFile(paths(args)));
    },
  }),
  systemd: defineCommand({
    meta: {
      name: "systemd",
      description: "Print the systemd unit vigie-agent.service or vigie-agent.timer",
    },
    args: {
      unit: {
        type: "positional",
        required: true,
        valueHint: "service|timer",
        description: "Which",
      },
      ...installArgs,
    },
    run({ args }) {
      if (args.unit !== "service" && args.unit !== "timer")
        throw new UsageError(`systemd: "service" or "timer", not "${args.unit}"`);
      process.stdout.write(systemdUnit(args.unit, paths(args)));
    },
  }),
};

const main = defineCommand({
  meta: {
    name: "vigie-agent",
    version: AGENT_VERSION,
    description: "Vigie's edge agent: ships access logs and heartbeats to the Vigie worker",
  },
  subCommands: commands,
});

/** citty colours its usage whatever the output: colours only on a terminal, and never with NO_COLOR. */
function forStream(stream: NodeJS.WriteStream, text: string): string {
  const colour = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is removed
  return colour ? text : text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** citty ignores unknown flags; a mistyped `--dry-run` must not become a real run. */
function unknownFlag(rawArgs: string[]): string | undefined {
  const known = new Set(["--config", "-c", "--dry-run", "--verbose", "-v", "--json", "--user"]);
  return rawArgs.find((a) => a.startsWith("-") && !known.has(a.split("=")[0]));
}

async function cli(rawArgs: string[]): Promise<void> {
  const sub = commands[rawArgs[0]];
  const usage = async (message: string) => {
    process.exitCode = EXIT.usage;
    const text = `${await renderUsage(sub ?? main, sub ? main : undefined)}\n\nvigie-agent: ${message}\n`;
    process.stderr.write(forStream(process.stderr, text));
  };
  if (rawArgs.length === 0) return usage("no command given");
  if (rawArgs.some((a) => a === "--help" || a === "-h" || a === "--version"))
    return runMain(main, {
      rawArgs,
      showUsage: async (cmd, parent) => {
        process.stdout.write(`${forStream(process.stdout, await renderUsage(cmd, parent))}\n`);
      },
    });
  const flag = unknownFlag(rawArgs);
  if (flag !== undefined) return usage(`unknown option ${flag}`);
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    // citty's own errors are usage mistakes; runAgent never throws.
    const name = (e as Error).name;
    if (name === "CLIError" || name === "UsageError") return usage((e as Error).message);
    process.exitCode = EXIT.internal;
    process.stderr.write(`vigie-agent: internal error: ${(e as Error).stack ?? String(e)}\n`);
  }
}

/**
 * V8 stops at its baseline compiler. The agent's JavaScript is glue around native zlib, sha-256,
 * files and sockets, so the optimizing compiler makes it no faster, yet it costs ~9 MB of the
 * 64 MB RSS budget (the compiler's code paged in from the node binary, its working memory in V8's
 * threads, the optimized code). Set here rather than in a shebang, which `node vigie-agent.mjs`
 * (cron, systemd) bypasses. The flag exists from V8 11 (Node 20); an older V8 would print
 * "unrecognized flag" on every run.
 */
if (Number(process.versions.v8.split(".")[0]) >= 11) setFlagsFromString("--max-opt=1");

await cli(process.argv.slice(2));
