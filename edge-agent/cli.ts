/**
 * `vigie-agent run | heartbeat | status [--config FILE] [--dry-run] [--verbose]`: only maps flags
 * onto `runAgent` (agent.ts). Silent on success unless --verbose, so cron mails only trouble;
 * exit codes in exit-codes.ts and the README.
 */
import { setFlagsFromString } from "node:v8";
import { defineCommand, renderUsage, runCommand, runMain, type CommandDef } from "citty";
import { runAgent, type Command } from "./agent";
import { nodeDeps } from "./deps";
import { EXIT } from "./exit-codes";
import { AGENT_VERSION } from "./version";

const common = {
  config: {
    type: "string",
    alias: "c",
    default: "/etc/vigie/agent.json",
    valueHint: "FILE",
    description: "The agent's JSON configuration",
  },
  "dry-run": {
    type: "boolean",
    description: "Show what would be done; send nothing, write nothing",
  },
  verbose: { type: "boolean", alias: "v", description: "Progress and details on stdout" },
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

// biome-ignore lint/suspicious/noExplicitAny: citty types each command by its own arguments
const commands: Record<Command, CommandDef<any>> = {
  run: command("run", "Ship the new lines of the configured logs to the worker"),
  heartbeat: command(
    "heartbeat",
    "Tell the worker this node is alive; run the hook when the master's address changed",
  ),
  status: command("status", "Show what is pending per log file (no network)", {
    json: { type: "boolean", description: "One JSON object" },
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

/** citty ignores unknown flags; a mistyped `--dry-run` must not become a real run. */
function unknownFlag(rawArgs: string[]): string | undefined {
  const known = new Set(["--config", "-c", "--dry-run", "--verbose", "-v", "--json"]);
  return rawArgs.find((a) => a.startsWith("-") && !known.has(a.split("=")[0]));
}

async function cli(rawArgs: string[]): Promise<void> {
  if (
    rawArgs.length === 0 ||
    rawArgs.some((a) => a === "--help" || a === "-h" || a === "--version")
  )
    return runMain(main, { rawArgs });
  const sub = commands[rawArgs[0] as Command];
  const usage = async (message: string) => {
    process.exitCode = EXIT.usage;
    process.stderr.write(
      `${await renderUsage(sub ?? main, sub ? main : undefined)}\n\nvigie-agent: ${message}\n`,
    );
  };
  const flag = unknownFlag(rawArgs);
  if (flag !== undefined) return usage(`unknown option ${flag}`);
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    // citty's own errors are usage mistakes; runAgent never throws.
    if ((e as Error).name === "CLIError") return usage((e as Error).message);
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
