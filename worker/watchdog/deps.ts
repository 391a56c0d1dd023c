/**
 * What the watchdog's impure shell needs, built once from the worker's env: tests pass their own
 * (another clock-free provider base, a recording sender) without touching the bindings.
 */
import type { Env } from "../env";
import type { Channel, Sender } from "./channels";
import { postWebhook } from "./channels";
import { sendEmail } from "./email";
import { createProvider, type ProviderName } from "./providers";
import type { DnsProvider } from "./providers/types";

export interface WatchdogDeps {
  db: D1Database;
  provider(name: ProviderName): DnsProvider;
  /** The channels configured: one outbox row per channel and message. */
  channels: Channel[];
  send: Sender;
}

/** `fetch` called through a wrapper: workerd refuses it detached and called as a method of another object. */
const globalFetch: typeof fetch = (input, init) => fetch(input, init);

/** The shell for the sites of one database (`db`, DB by default: see worker/db/databases.ts). */
export function watchdogDeps(
  env: Env,
  db: D1Database = env.DB,
  fetcher: typeof fetch = globalFetch,
): WatchdogDeps {
  const channels: Channel[] = [];
  if (env.NOTIFY_WEBHOOK_URL) channels.push("webhook");
  if (env.EMAIL && env.NOTIFY_EMAIL_FROM && env.NOTIFY_EMAIL_TO) channels.push("email");
  return {
    db,
    provider: (name) =>
      createProvider(name, {
        base: env.DNS_API_BASE || undefined,
        token: env.DNS_TOKEN ?? "",
        fetch: fetcher,
      }),
    channels,
    send: async (channel, m) => {
      if (channel === "webhook" && env.NOTIFY_WEBHOOK_URL)
        return postWebhook(fetcher, env.NOTIFY_WEBHOOK_URL, m);
      if (channel === "email" && env.EMAIL && env.NOTIFY_EMAIL_FROM && env.NOTIFY_EMAIL_TO)
        return sendEmail(env.EMAIL, env.NOTIFY_EMAIL_FROM, env.NOTIFY_EMAIL_TO, m);
      throw new Error(`channel ${channel} is not configured any more`);
    },
  };
}
