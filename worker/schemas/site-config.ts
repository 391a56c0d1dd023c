/**
 * A site's analysis configuration (core UserConfig), checked by a schema on every path that stores
 * it (`npm run site -- add --config`, `npm run site -- import`): the core's resolveConfig merges
 * and checks meaning, but takes any element type in its lists, and a stored `searchEngines.hosts:
 * [1]` made every later upload fail. Pure (zod and the core), so the CLI and the worker share it.
 */
import { z } from "zod";
import type { UserConfig } from "../core/config";
import { LIST_KEYS, resolveConfig } from "../core/config";
import { compileLogFormat } from "../core/log-format";

/** Lists of at most 10,000 non-empty strings of at most 1,000 characters. */
const strings = (max = 1000) => z.array(z.string().min(1).max(max)).max(10_000);
const positive = z.number().int().min(1).max(1_000_000_000);

const schema = z.strictObject({
  format: z.string().min(1).max(2000).optional(),
  siteHosts: strings(253).optional(),
  pageStatuses: z.array(z.number().int().min(100).max(599)).max(500).optional(),
  assetExtensions: strings(50).optional(),
  downloadExtensions: strings(50).optional(),
  downloadPaths: strings().optional(),
  feedPatterns: strings().optional(),
  probePaths: strings().optional(),
  formPaths: strings().optional(),
  searchEngines: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(100),
        hosts: strings(253).min(1),
        params: strings(100).min(1),
      }),
    )
    .max(1000)
    .optional(),
  watched: z
    .strictObject({ addresses: strings(100).optional(), userAgents: strings().optional() })
    .optional(),
  timeZone: z.string().max(10).nullable().optional(),
  visitGapSeconds: positive.optional(),
  robotPostBurst: positive.optional(),
  robotErrorLimit: positive.optional(),
  robotAgentLimit: positive.optional(),
  robotCrawlPages: positive.optional(),
  robotPageRate: positive.optional(),
  openDays: z.number().int().min(1).max(366).optional(),
  sealDays: z.number().int().min(1).max(731).optional(),
  panelKeys: z.number().int().min(100).max(1_000_000).optional(),
  replace: z.array(z.enum(LIST_KEYS)).optional(),
});

export type SiteConfigCheck = { ok: true; config: UserConfig } | { ok: false; errors: string[] };

/** The configuration when it is one Vigie can store and run; else every problem, one per line. */
export function checkSiteConfig(value: unknown): SiteConfigCheck {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`),
    };
  const config = parsed.data as UserConfig;
  const resolved = resolveConfig(config);
  if (!resolved.ok) return { ok: false, errors: resolved.errors };
  if (config.format !== undefined) {
    const f = compileLogFormat(config.format);
    if (!f.ok) return { ok: false, errors: [`format: ${f.error}`] };
  }
  return { ok: true, config };
}
