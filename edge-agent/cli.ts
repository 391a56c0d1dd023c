/**
 * `vigie-agent run | heartbeat | status [--config FILE] [--dry-run] [--verbose]`: only maps flags
 * onto `runAgent` (agent.ts). Silent on success unless --verbose, so cron mails only trouble;
 * exit codes in exit-codes.ts and the README.
 */
import { defineCommand, renderUsage, runCommand, runMain, type CommandDef } from "citty";
import { runAgent, type Command } from "./agent";
import { nodeDeps } from "./deps";
import { EXIT } from "./exit-codes";
import { AGENT_VERSION } from "./version";

const common = {
  config: { type: "string", alias: "c", default: "/etc/vigie/agent.json", valueHint: "FILE", description: "The agent's JSON configuration" },
  "dry-run": { type: "boolean", description: "Show what would be done; send nothing, write nothing" },
  verbose: { type: "boolean", alias: "v", description: "Progress and details on stdout" },
} as const;

function command(name: Command, description: string, extra: { json?: { type: "boolean"; description: string } } = {}) {
  return defineCommand({
    meta: { name, description },
    args: { ...common, ...extra },
    async run({ args }) {
      process.exitCode = await runAgent(
        { command: name, configPath: args.config, dryRun: args["dry-run"], verbose: args.verbose, json: args.json === true },
        nodeDeps(),
      );
    },
  });
}

const commands: Record<Command, CommandDef<any>> = {
  run: command("run", "Ship the new lines of the configured logs to the worker"),
  heartbeat: command("heartbeat", "Tell the worker this node is alive; run the hook when the master's address changed"),
  status: command("status", "Show what is pending per log file (no network)", { json: { type: "boolean", description: "One JSON object" } }),
};

const main = defineCommand({
  meta: { name: "vigie-agent", version: AGENT_VERSION, description: "Vigie's edge agent: ships access logs and heartbeats to the Vigie worker" },
  subCommands: commands,
});

/** citty ignores unknown flags; a mistyped `--dry-run` must not become a real run. */
function unknownFlag(rawArgs: string[]): string | undefined {
  const known = new Set(["--config", "-c", "--dry-run", "--verbose", "-v", "--json"]);
  return rawArgs.find((a) => a.startsWith("-") && !known.has(a.split("=")[0]));
}

async function cli(rawArgs: string[]): Promise<void> {
  if (rawArgs.length === 0 || rawArgs.some((a) => a === "--help" || a === "-h" || a === "--version")) return runMain(main, { rawArgs });
  const sub = commands[rawArgs[0] as Command];
  const usage = async (message: string) => {
    process.exitCode = EXIT.usage;
    process.stderr.write(`${await renderUsage(sub ?? main, sub ? main : undefined)}\n\nvigie-agent: ${message}\n`);
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

await cli(process.argv.slice(2));
