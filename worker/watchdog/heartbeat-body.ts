/**
 * What a node may say of itself in a heartbeat, and the ranges that keep it sane: a value out of
 * range is refused (400, nothing stored) rather than stored to break a later tick or page.
 */
import { z } from "zod";

/** The earliest `replicatedAt` taken: 2000-01-01. The latest: the worker's clock + 1 day. */
export const REPLICATED_AT_MIN = Date.UTC(2000, 0, 1);
export const CLOCK_SKEW_MS = 86_400_000;
/** 100 years of uptime, in seconds; a load average far above any real box's. */
const MAX_UPTIME = 100 * 365.25 * 86_400;
const MAX_LOAD = 100_000;

export interface HeartbeatBody {
  version?: string;
  uptime?: number;
  load?: number;
  /** Epoch milliseconds. */
  replicatedAt?: number;
}

function schema(now: number) {
  return z.object({
    version: z
      .string({ error: "version must be a string" })
      .min(1, "version must not be empty")
      .max(100, "version must be at most 100 characters")
      .regex(/^[\x20-\x7e]+$/, "version must be printable ASCII")
      .optional(),
    uptime: z
      .number({ error: "uptime must be a number of seconds" })
      .min(0, "uptime must not be negative")
      .max(MAX_UPTIME, "uptime must be at most 100 years")
      .optional(),
    load: z
      .number({ error: "load must be a number" })
      .min(0, "load must not be negative")
      .max(MAX_LOAD, `load must be at most ${MAX_LOAD}`)
      .optional(),
    replicatedAt: z
      .union(
        [
          z
            .string()
            .max(64)
            .transform((s) => Date.parse(s)),
          z.number().transform((s) => s * 1000),
        ],
        { error: "replicatedAt must be an ISO 8601 time or epoch seconds" },
      )
      .refine((ms) => Number.isFinite(ms), "replicatedAt must be an ISO 8601 time or epoch seconds")
      .refine(
        (ms) => ms >= REPLICATED_AT_MIN && ms <= now + CLOCK_SKEW_MS,
        "replicatedAt must be between 2000-01-01 and one day from now",
      )
      .transform((ms) => Math.round(ms))
      .nullable()
      .optional(),
  });
}

export type HeartbeatParse = { ok: true; value: HeartbeatBody } | { ok: false; message: string };

/** Parses a heartbeat's body (empty: nothing said); every problem listed at once. */
export function parseHeartbeat(text: string, now: number): HeartbeatParse {
  if (text.trim() === "") return { ok: true, value: {} };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {
      ok: false,
      message: "the body must be JSON: { version, uptime, load, replicatedAt } (all optional)",
    };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return { ok: false, message: "the body must be a JSON object" };
  const r = schema(now).safeParse(v);
  if (!r.success) return { ok: false, message: r.error.issues.map((i) => i.message).join("; ") };
  const { replicatedAt, ...rest } = r.data;
  return { ok: true, value: replicatedAt == null ? rest : { ...rest, replicatedAt } };
}

/** A stored time taken only while sane (finite, after 2000, not over a day ahead): else null. */
export function saneTime(ms: number | null | undefined, now: number): number | null {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return null;
  return ms >= REPLICATED_AT_MIN && ms <= now + CLOCK_SKEW_MS ? ms : null;
}
