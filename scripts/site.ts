/**
 * `npm run site -- <command>`: sites and tokens in D1 (local by default, `--remote` for the deployed
 * one). Only maps flags onto scripts/site-lib.ts. stdout carries the result alone, one JSON line per
 * record, so `npm run site -- add demo | jq` works (the project's .npmrc keeps npm's banner out); wrangler's output and errors go to stderr.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineCommand, renderUsage, runCommand, runMain, type CommandDef } from "citty";
import {
  addNode,
  addSite,
  DNS_PROVIDERS,
  FAILBACK_MODES,
  importSite,
  listSites,
  loadUserConfig,
  NODE_ROLES,
  PRIVACY,
  RECORD_TYPES,
  rotateToken,
  SITE_TOKEN_KINDS,
  SiteError,
  WATCH_DEFAULTS,
  watchSite,
  WranglerError,
  type D1Target,
} from "./site-lib";
import { SqlLiteralError } from "../worker/db/sql-literal";
import { STALE_POLICIES } from "../worker/watchdog/model";
import { localState } from "./local-worker";

const wrangler = { cwd: fileURLToPath(new URL("..", import.meta.url)), echo: process.stderr };

/** Flags every command that touches D1 takes. */
const targetArgs = {
  remote: { type: "boolean", description: "Use the deployed D1 instead of the local one" },
  "persist-to": {
    type: "string",
    valueHint: "DIR",
    description: "Local D1 state directory (wrangler's --persist-to)",
  },
  database: {
    type: "string",
    valueHint: "BINDING",
    description:
      "The D1 binding of a site with a database of its own (SITE_DATABASES in wrangler.toml); DB by default",
  },
} as const;

function target(args: { remote?: boolean; "persist-to"?: string; database?: string }): D1Target {
  const persistTo = args["persist-to"];
  const binding = args.database;
  if (binding !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(binding))
    throw new SiteError(`--database ${binding}: a D1 binding name, such as DB_BLOG`);
  if (args.remote && persistTo)
    throw new SiteError("--persist-to is for the local D1; it cannot go with --remote");
  // No flag: the database `npm start` uses (wrangler's default, or VIGIE_STATE's; local-worker.ts).
  const local = persistTo ? resolve(persistTo) : process.env.VIGIE_STATE && localState().db;
  return args.remote
    ? { remote: true, binding }
    : { remote: false, persistTo: local || undefined, binding };
}

function print(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

const add = defineCommand({
  meta: {
    name: "add",
    description: "Apply pending migrations, create a site, print its agent and read tokens",
  },
  args: {
    name: {
      type: "positional",
      required: true,
      valueHint: "NAME",
      description: "Site name: [a-z0-9][a-z0-9-]{0,62}",
    },
    public: { type: "boolean", description: "Reports readable without a token" },
    privacy: {
      type: "enum",
      options: [...PRIVACY],
      default: "truncate",
      description: "How kept client addresses are stored",
    },
    config: {
      type: "string",
      valueHint: "FILE.json",
      description: "The site's analysis configuration",
    },
    ...targetArgs,
  },
  async run({ args }) {
    const config = args.config === undefined ? undefined : await loadUserConfig(args.config);
    print(
      await addSite(
        {
          name: args.name,
          target: target(args),
          public: args.public,
          privacy: args.privacy,
          config,
        },
        wrangler,
      ),
    );
  },
});

const token = defineCommand({
  meta: {
    name: "token",
    description: "Replace a site's agent or read token and print the new one",
  },
  args: {
    name: { type: "positional", required: true, valueHint: "NAME", description: "Site name" },
    kind: {
      type: "enum",
      options: [...SITE_TOKEN_KINDS],
      required: true,
      description: "Which token",
    },
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

const node = defineCommand({
  meta: {
    name: "node",
    description:
      "Register a site's master or standby box (or give it a new token) and print its node token",
  },
  args: {
    name: { type: "positional", required: true, valueHint: "NAME", description: "Site name" },
    node: {
      type: "positional",
      required: true,
      valueHint: "NODE",
      description: "Node name: letters, digits, '.', '_', '-'",
    },
    role: {
      type: "enum",
      options: [...NODE_ROLES],
      required: true,
      description: "The node's role",
    },
    ...targetArgs,
  },
  async run({ args }) {
    print(await addNode(args.name, args.node, args.role, target(args), wrangler));
  },
});

/** An integer flag (citty hands over strings). */
function int(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value))
    throw new SiteError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

const watch = defineCommand({
  meta: {
    name: "watch",
    description:
      "Set the site's watchdog: which DNS record follows the active node, and when to switch",
  },
  args: {
    name: { type: "positional", required: true, valueHint: "NAME", description: "Site name" },
    provider: {
      type: "enum",
      options: [...DNS_PROVIDERS],
      required: true,
      description: "DNS provider (its token: the DNS_TOKEN secret)",
    },
    zone: {
      type: "string",
      required: true,
      valueHint: "ZONE",
      description: "Cloudflare's zone id, or the domain for Gandi",
    },
    record: {
      type: "string",
      required: true,
      valueHint: "FQDN",
      description: "The record that follows the active node",
    },
    type: {
      type: "enum",
      options: [...RECORD_TYPES],
      default: WATCH_DEFAULTS.type,
      description: "A (IPv4) or AAAA (IPv6)",
    },
    lease: {
      type: "string",
      valueHint: "SECONDS",
      description: `A node is alive this long after its last heartbeat (default ${WATCH_DEFAULTS.lease}: 3 missed minutes)`,
    },
    failback: {
      type: "enum",
      options: [...FAILBACK_MODES],
      default: WATCH_DEFAULTS.failback,
      description: "manual: the owner asks for it; auto: after a stable period",
    },
    down: {
      type: "string",
      valueHint: "TICKS",
      description: `Fail over at the Nth consecutive tick with the master silent (default ${WATCH_DEFAULTS.down})`,
    },
    up: {
      type: "string",
      valueHint: "TICKS",
      description: `Automatic failback after N ticks of steady master… (default ${WATCH_DEFAULTS.up})`,
    },
    stable: {
      type: "string",
      valueHint: "SECONDS",
      description: `…and this long (default ${WATCH_DEFAULTS.stable})`,
    },
    "max-switches": {
      type: "string",
      valueHint: "N",
      description: `Automatic role changes allowed per window before HOLD (default ${WATCH_DEFAULTS.maxSwitches})`,
    },
    window: {
      type: "string",
      valueHint: "SECONDS",
      description: `The flap window (default ${WATCH_DEFAULTS.window})`,
    },
    "min-update": {
      type: "string",
      valueHint: "SECONDS",
      description: `Least time between two address updates of the record (default ${WATCH_DEFAULTS.minUpdate})`,
    },
    "replication-max-age": {
      type: "string",
      valueHint: "SECONDS",
      description: `Warn when the standby's copy is older (default ${WATCH_DEFAULTS.replicationMaxAge})`,
    },
    stale: {
      type: "enum",
      options: [...STALE_POLICIES],
      description:
        "A standby copy older than --replication-max-age (or of unknown age): warn only, or refuse to fail over to it (default: warn; kept when not given)",
    },
    ...targetArgs,
  },
  async run({ args }) {
    const d = WATCH_DEFAULTS;
    print(
      await watchSite(
        args.name,
        {
          provider: args.provider,
          zone: args.zone,
          record: args.record,
          type: args.type,
          failback: args.failback,
          lease: int(args.lease, d.lease, "--lease"),
          down: int(args.down, d.down, "--down"),
          up: int(args.up, d.up, "--up"),
          stable: int(args.stable, d.stable, "--stable"),
          maxSwitches: int(args["max-switches"], d.maxSwitches, "--max-switches"),
          window: int(args.window, d.window, "--window"),
          minUpdate: int(args["min-update"], d.minUpdate, "--min-update"),
          replicationMaxAge: int(
            args["replication-max-age"],
            d.replicationMaxAge,
            "--replication-max-age",
          ),
          stale: args.stale,
        },
        target(args),
        wrangler,
      ),
    );
  },
});

const restore = defineCommand({
  meta: {
    name: "import",
    description:
      "Restore an export (GET /api/v1/sites/NAME/export) into the site NAME, which must hold no statistics yet",
  },
  args: {
    name: { type: "positional", required: true, valueHint: "NAME", description: "Site name" },
    file: {
      type: "positional",
      required: true,
      valueHint: "FILE.json",
      description: "The export (at most 256 MB)",
    },
    ...targetArgs,
  },
  async run({ args }) {
    print(await importSite(args.name, args.file, target(args), wrangler));
  },
});

/** The command table. */
// biome-ignore lint/suspicious/noExplicitAny: citty types each command by its own arguments
const commands: Record<string, CommandDef<any>> = {
  add,
  token,
  list,
  node,
  watch,
  import: restore,
};

const main = defineCommand({
  meta: { name: "site", description: "Manage Vigie sites (npm run site -- <command>)" },
  subCommands: commands,
});

async function cli(rawArgs: string[]): Promise<void> {
  // Help and a bare call: citty's own handling, usage on stdout.
  if (rawArgs.length === 0 || rawArgs.includes("--help") || rawArgs.includes("-h"))
    return runMain(main, { rawArgs });
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof Error && e.name === "CLIError") {
      // A usage mistake: the command's usage, then what was wrong, all on stderr.
      const command = commands[rawArgs[0]];
      process.stderr.write(`${await renderUsage(command ?? main, command ? main : undefined)}\n\n`);
    }
    const known =
      e instanceof SiteError ||
      e instanceof WranglerError ||
      e instanceof SqlLiteralError ||
      (e instanceof Error && e.name === "CLIError");
    process.stderr.write(
      `site: ${known ? (e as Error).message : ((e as Error)?.stack ?? String(e))}\n`,
    );
  }
}

await cli(process.argv.slice(2));
