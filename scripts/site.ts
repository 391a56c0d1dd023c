/**
 * `npm run site -- <command>`: sites and tokens in D1 (local by default, `--remote` for the deployed
 * one). Only maps flags onto scripts/site-lib.ts. stdout carries the result alone, one JSON line per
 * record, so `npm run --silent site -- add demo | jq` works; wrangler's output and errors go to stderr.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineCommand, renderUsage, runCommand, runMain, type CommandDef } from "citty";
import {
  addSite,
  listSites,
  loadUserConfig,
  PRIVACY,
  rotateToken,
  SITE_TOKEN_KINDS,
  SiteError,
  WranglerError,
  type D1Target,
} from "./site-lib";

const wrangler = { cwd: fileURLToPath(new URL("..", import.meta.url)), echo: process.stderr };

/** Flags every command that touches D1 takes. */
const targetArgs = {
  remote: { type: "boolean", description: "Use the deployed D1 instead of the local one" },
  "persist-to": { type: "string", valueHint: "DIR", description: "Local D1 state directory (wrangler's --persist-to)" },
} as const;

function target(args: { remote?: boolean; "persist-to"?: string }): D1Target {
  const persistTo = args["persist-to"];
  if (args.remote && persistTo) throw new SiteError("--persist-to is for the local D1; it cannot go with --remote");
  return args.remote ? { remote: true } : { remote: false, persistTo: persistTo && resolve(persistTo) };
}

function print(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

const add = defineCommand({
  meta: { name: "add", description: "Apply pending migrations, create a site, print its agent and read tokens" },
  args: {
    name: { type: "positional", required: true, valueHint: "NAME", description: "Site name: [a-z0-9][a-z0-9-]{0,62}" },
    public: { type: "boolean", description: "Reports readable without a token" },
    privacy: { type: "enum", options: [...PRIVACY], default: "truncate", description: "How kept client addresses are stored" },
    config: { type: "string", valueHint: "FILE.json", description: "The site's analysis configuration" },
    ...targetArgs,
  },
  async run({ args }) {
    const config = args.config === undefined ? undefined : await loadUserConfig(args.config);
    print(await addSite({ name: args.name, target: target(args), public: args.public, privacy: args.privacy, config }, wrangler));
  },
});

const token = defineCommand({
  meta: { name: "token", description: "Replace a site's agent or read token and print the new one" },
  args: {
    name: { type: "positional", required: true, valueHint: "NAME", description: "Site name" },
    kind: { type: "enum", options: [...SITE_TOKEN_KINDS], required: true, description: "Which token" },
    ...targetArgs,
  },
  async run({ args }) {
    print(await rotateToken(args.name, args.kind, target(args), wrangler));
  },
});

const list = defineCommand({
  meta: { name: "list", description: "Print every site, one JSON line each" },
  args: { ...targetArgs },
  async run({ args }) {
    for (const site of await listSites(target(args), wrangler)) print(site);
  },
});

/**
 * The command table. `node NAME NODE --role master|standby` and `watch NAME --provider …`
 * (DESIGN.md, "Public contract") join it as one `defineCommand` each, with their logic in site-lib.
 */
const commands: Record<string, CommandDef<any>> = { add, token, list };

const main = defineCommand({
  meta: { name: "site", description: "Manage Vigie sites (npm run site -- <command>)" },
  subCommands: commands,
});

async function cli(rawArgs: string[]): Promise<void> {
  // Help and a bare call: citty's own handling, usage on stdout.
  if (rawArgs.length === 0 || rawArgs.includes("--help") || rawArgs.includes("-h")) return runMain(main, { rawArgs });
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof Error && e.name === "CLIError") {
      // A usage mistake: the command's usage, then what was wrong, all on stderr.
      const command = commands[rawArgs[0]];
      process.stderr.write(`${await renderUsage(command ?? main, command ? main : undefined)}\n\n`);
    }
    const known = e instanceof SiteError || e instanceof WranglerError || (e instanceof Error && e.name === "CLIError");
    process.stderr.write(`site: ${known ? (e as Error).message : ((e as Error)?.stack ?? String(e))}\n`);
  }
}

await cli(process.argv.slice(2));
