/**
 * `npm run deploy [-- --email-from A --email-to B | --no-email] [--dry-run]`: Vigie on Cloudflare,
 * after `npx wrangler login`, in one command that can be run again (it then changes only what
 * changed): finds the account, finds or creates the D1 database and records its id, writes
 * wrangler.deploy.jsonc, applies pending migrations, asks once for the optional secrets, deploys,
 * and prints the worker's URL and what to run next.
 *
 * Every step is a wrangler command (the project's wrangler, with `--config wrangler.deploy.jsonc`),
 * so it works wherever wrangler does; CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID work as for
 * wrangler. Secrets without a terminal come from the environment: DNS_TOKEN, NOTIFY_WEBHOOK_URL.
 * What it chose is kept in .vigie/deploy.json (git-ignored).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { defineCommand, runMain } from "citty";
import { DEPLOY_CONFIG, deployConfig, deployedUrls, type RawConfig } from "./deploy-config";
import { localState, quietEnv, root } from "./local-worker";
import { runWrangler, WranglerError } from "./site-lib";

class DeployError extends Error {
  override name = "DeployError";
}

interface Saved {
  accountId?: string;
  databaseId?: string;
  databaseName?: string;
  email?: { from: string; to: string } | null;
  /** Optional secrets the owner chose not to set: not asked again. */
  skipped?: string[];
  urls?: string[];
}

/** The optional secrets, in the order they are asked for. */
const SECRETS = [
  {
    name: "DNS_TOKEN",
    hidden: true,
    ask: "The DNS provider's API token, for the watchdog's failover (Cloudflare: Zone → DNS → Edit on the zone; Gandi: a LiveDNS personal access token). Enter to skip",
  },
  {
    name: "NOTIFY_WEBHOOK_URL",
    hidden: false,
    ask: "A webhook for the watchdog's alerts (ntfy: https://ntfy.sh/TOPIC?tpl=1&t={{.title}}&m={{.text}}, or Slack's). Enter to skip",
  },
] as const;

const say = (s: string) => console.log(`deploy: ${s}`);
const stateFile = () => join(localState().dir, "deploy.json");
const wranglerOpts = { cwd: root };

function load(): Saved {
  try {
    return JSON.parse(readFileSync(stateFile(), "utf8"));
  } catch {
    return {};
  }
}

function save(s: Saved): void {
  mkdirSync(localState().dir, { recursive: true });
  writeFileSync(stateFile(), `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}

/** Runs wrangler with the terminal (its prompts and progress shown); resolves on exit 0. */
function wranglerLive(args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const bin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...quietEnv, NO_COLOR: process.env.NO_COLOR ?? "", ...env },
      stdio: "inherit",
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new DeployError(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${code})`)),
    );
  });
}

/** Asks on the terminal; a hidden answer is not echoed. */
async function ask(question: string, hidden: boolean): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = rl.question(`${question}: `);
  muted = hidden;
  try {
    return (await answer).trim();
  } finally {
    rl.close();
    if (hidden) process.stdout.write("\n");
  }
}

interface Account {
  id: string;
  name: string;
}

async function account(saved: Saved): Promise<Account> {
  let who: { loggedIn?: boolean; accounts?: Account[] };
  try {
    who = JSON.parse((await runWrangler(["whoami", "--json"], wranglerOpts)).stdout);
  } catch (e) {
    const detail = e instanceof WranglerError ? e.detail : String(e);
    if (/loggedIn|not authenticated|CLOUDFLARE_API_TOKEN/i.test(detail))
      throw new DeployError(
        "not logged in to Cloudflare: run `npx wrangler login` first (or set CLOUDFLARE_API_TOKEN)",
      );
    throw e;
  }
  const accounts = who.accounts ?? [];
  const wanted = process.env.CLOUDFLARE_ACCOUNT_ID ?? saved.accountId;
  const found = accounts.find((a) => a.id === wanted);
  if (found) return found;
  if (process.env.CLOUDFLARE_ACCOUNT_ID) return { id: process.env.CLOUDFLARE_ACCOUNT_ID, name: "" };
  if (accounts.length === 1) return accounts[0];
  if (accounts.length === 0) throw new DeployError("this login has no Cloudflare account");
  const list = accounts.map((a, i) => `  ${i + 1}. ${a.name} (${a.id})`).join("\n");
  if (!process.stdin.isTTY)
    throw new DeployError(`several accounts; set CLOUDFLARE_ACCOUNT_ID to one of:\n${list}`);
  console.log(`Cloudflare accounts:\n${list}`);
  const n = Number(await ask("Deploy to which one (number)", false));
  if (!accounts[n - 1]) throw new DeployError("no such account");
  return accounts[n - 1];
}

/** The database's id: the one recorded if it still exists, else found by name, else created. */
async function database(name: string): Promise<{ id: string; created: boolean }> {
  const list = async () =>
    JSON.parse((await runWrangler(["d1", "list", "--json"], wranglerOpts)).stdout) as {
      uuid: string;
      name: string;
    }[];
  const existing = (await list()).find((d) => d.name === name);
  if (existing) return { id: existing.uuid, created: false };
  say(`creating the D1 database "${name}"…`);
  await runWrangler(["d1", "create", name], wranglerOpts);
  const made = (await list()).find((d) => d.name === name);
  if (!made) throw new DeployError(`wrangler d1 create ${name} succeeded, yet it is not listed`);
  return { id: made.uuid, created: true };
}

async function existingSecrets(): Promise<string[]> {
  try {
    const { stdout } = await runWrangler(
      ["secret", "list", "--format", "json", "--config", DEPLOY_CONFIG],
      wranglerOpts,
    );
    return (JSON.parse(stdout) as { name: string }[]).map((s) => s.name);
  } catch (e) {
    // Not deployed yet: the worker, hence its secrets, does not exist.
    if (e instanceof WranglerError && /10007|does not exist|not found/i.test(e.detail)) return [];
    throw e;
  }
}

/** The secrets to upload with this deployment: those missing and not skipped, asked or from the environment. */
async function newSecrets(
  saved: Saved,
  vars: Record<string, string>,
): Promise<Record<string, string>> {
  const have = new Set(await existingSecrets());
  const out: Record<string, string> = {};
  const skipped = new Set(saved.skipped ?? []);
  for (const s of SECRETS) {
    const fromEnv = process.env[s.name];
    if (fromEnv) {
      out[s.name] = fromEnv;
      skipped.delete(s.name);
      continue;
    }
    if (have.has(s.name) || s.name in vars || skipped.has(s.name) || !process.stdin.isTTY) continue;
    const answer = await ask(s.ask, s.hidden);
    if (answer) out[s.name] = answer;
    else skipped.add(s.name);
  }
  saved.skipped = [...skipped];
  return out;
}

async function deploy(args: {
  "dry-run"?: boolean;
  "email-from"?: string;
  "email-to"?: string;
  email?: boolean;
}): Promise<void> {
  const saved = load();
  if (args.email === false) saved.email = null;
  if (args["email-from"] || args["email-to"]) {
    if (!args["email-from"] || !args["email-to"])
      throw new DeployError("e-mail needs both --email-from and --email-to");
    saved.email = { from: args["email-from"], to: args["email-to"] };
  }
  const { experimental_readRawConfig } = await import("wrangler");
  const raw = experimental_readRawConfig({ config: join(root, "wrangler.toml") })
    .rawConfig as RawConfig;
  const dbName = raw.env?.production?.d1_databases?.[0]?.database_name ?? "vigie";
  const write = () => {
    const config = deployConfig(raw, saved);
    writeFileSync(
      join(root, DEPLOY_CONFIG),
      `// Generated by \`npm run deploy\` from wrangler.toml: edit that file instead.\n${JSON.stringify(config, null, 2)}\n`,
    );
    return config;
  };

  if (args["dry-run"]) {
    write();
    say(`${DEPLOY_CONFIG} written; bundling without deploying (wrangler deploy --dry-run)…`);
    await wranglerLive(["deploy", "--dry-run", "--config", DEPLOY_CONFIG]);
    say("dry run done: nothing was sent to Cloudflare");
    return;
  }

  const acc = await account(saved);
  process.env.CLOUDFLARE_ACCOUNT_ID = acc.id; // for every wrangler below: no account prompt
  saved.accountId = acc.id;
  say(`account ${acc.name ? `${acc.name} ` : ""}(${acc.id})`);
  // The database recorded by a previous run is trusted (the migrations below would find it
  // gone); otherwise it is looked up by name, and created when there is none.
  const recorded = saved.databaseName === dbName ? saved.databaseId : undefined;
  const useDatabase = async () => {
    const db = await database(dbName);
    saved.databaseId = db.id;
    saved.databaseName = dbName;
    save(saved);
    say(`D1 database "${dbName}" ${db.created ? "created" : "found"} (${db.id})`);
  };
  if (recorded) say(`D1 database "${dbName}" (${recorded}), as recorded`);
  else await useDatabase();
  let config = write();

  say("applying pending D1 migrations…");
  const migrate = () =>
    runWrangler(["d1", "migrations", "apply", "DB", "--remote", "--config", DEPLOY_CONFIG], {
      ...wranglerOpts,
      echo: process.stdout,
    });
  try {
    await migrate();
  } catch (e) {
    if (!recorded || !(e instanceof WranglerError) || !/7404|could not be found/i.test(e.detail))
      throw e;
    say(`the recorded database ${recorded} is gone; looking for "${dbName}" again…`);
    await useDatabase();
    config = write();
    await migrate();
  }

  const secrets = await newSecrets(saved, config.vars ?? {});
  save(saved);
  const tmp = mkdtempSync(join(tmpdir(), "vigie-deploy-"));
  try {
    const outputFile = join(tmp, "output.ndjson");
    const deployArgs = ["deploy", "--config", DEPLOY_CONFIG];
    if (Object.keys(secrets).length) {
      writeFileSync(join(tmp, "secrets.json"), JSON.stringify(secrets), { mode: 0o600 });
      deployArgs.push("--secrets-file", join(tmp, "secrets.json"));
    }
    say(
      `deploying${Object.keys(secrets).length ? ` with ${Object.keys(secrets).join(", ")}` : ""}…`,
    );
    await wranglerLive(deployArgs, { WRANGLER_OUTPUT_FILE_PATH: outputFile });
    saved.urls = deployedUrls(readFileSync(outputFile, "utf8"));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  save(saved);
  const url = saved.urls.find((u) => u.endsWith(".workers.dev")) ?? saved.urls[0];
  if (!url)
    say("deployed, but wrangler named no URL: add a route or enable workers.dev for the worker");
  else say(`Vigie is deployed: ${url}`);
  const base = url ?? "https://YOUR-WORKER";
  const missing = (saved.skipped ?? []).filter((s) => s === "DNS_TOKEN");
  console.log(`
Next:
  npm run site -- add blog --remote          # a site: prints its agent and read tokens (keep them)
  # on the box: install the agent (docs/agent.md) with "workerUrl": "${base}"
  # then the reports: ${base}/sites/blog/ (log in with the read token)
  # watchdog: npm run site -- node blog NODE --role master|standby --remote, then … watch (README)${
    missing.length
      ? `\n  # its DNS token, when you use it: DNS_TOKEN=… npm run deploy (or npx wrangler secret put DNS_TOKEN --config ${DEPLOY_CONFIG})`
      : ""
  }
Run npm run deploy again after an update: it applies new migrations and deploys, nothing else.`);
}

const main = defineCommand({
  meta: {
    name: "deploy",
    description: "Deploy Vigie to your Cloudflare account (after npx wrangler login)",
  },
  args: {
    "dry-run": { type: "boolean", description: "Write the config and bundle; send nothing" },
    "email-from": {
      type: "string",
      valueHint: "ADDRESS",
      description: "E-mail alerts: the sender, on a domain with Email Routing",
    },
    "email-to": {
      type: "string",
      valueHint: "ADDRESS",
      description: "E-mail alerts: a verified destination address",
    },
    email: { type: "boolean", description: "--no-email removes e-mail alerts set before" },
  },
  async run({ args }) {
    try {
      await deploy(args);
    } catch (e) {
      process.exitCode = 1;
      const known = e instanceof DeployError || e instanceof WranglerError;
      console.error(`deploy: ${known ? (e as Error).message : ((e as Error)?.stack ?? String(e))}`);
    }
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) await runMain(main);
