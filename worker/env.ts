/** Bindings and vars of the worker, as declared in wrangler.toml. */
export interface Env {
  DB: D1Database;
  /** Largest accepted chunk, uncompressed and compressed, in bytes (default 10 MB). */
  MAX_CHUNK_BYTES?: string;
  /** DNS-over-HTTPS JSON endpoint for feed readers' host names. */
  DOH_URL?: string;
  /** The DNS provider's API token (a secret; `.dev.vars` locally). */
  DNS_TOKEN?: string;
  /** Replaces the DNS provider's base URL (tests and checks point it at a fake on loopback). */
  DNS_API_BASE?: string;
  /** Watchdog notifications: a webhook taking `{ text, title, priority }` (Slack, ntfy with templating). */
  NOTIFY_WEBHOOK_URL?: string;
  /** Watchdog notifications by e-mail: the `send_email` binding, a sender on its zone, a verified recipient. */
  EMAIL?: SendEmail;
  NOTIFY_EMAIL_FROM?: string;
  NOTIFY_EMAIL_TO?: string;
  /**
   * Sites kept in a database of their own: JSON `{ "site": "BINDING" }`, each BINDING a D1 binding
   * of this worker (see worker/db/databases.ts).
   */
  SITE_DATABASES?: string;
  /** "1": every answer carries what it cost in D1 (`Server-Timing: d1cost`), for the bench. */
  COST_HEADER?: string;
  /** "1" only for local tries (wrangler dev): a heartbeat's `X-Vigie-Client-IP` replaces CF-Connecting-IP. */
  DEV_CLIENT_IP_HEADER?: string;
}

export const DEFAULT_MAX_CHUNK_BYTES = 10 * 1024 * 1024;

export function maxChunkBytes(env: Env): number {
  const n = Number(env.MAX_CHUNK_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_CHUNK_BYTES;
}

export const dohUrl = (env: Env) => env.DOH_URL || "https://cloudflare-dns.com/dns-query";
