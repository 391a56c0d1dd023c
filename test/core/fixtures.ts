import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGeoLookup } from "../../worker/core/geo";
import { resolveConfig } from "../../worker/core/config";
import type { AnalysisConfig, UserConfig } from "../../worker/core/config";
import type { AnalysisPartial } from "../../worker/core/partial";

export const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
export const readFixture = (name: string) => readFileSync(fixture(name), "utf8");

export const SEMICOMPLETE = "semicomplete-2015-05.combined.log";
export const BASJES = "basjes-2015-10-hackers.combined.log";

let geoCache: ReturnType<typeof createGeoLookup> | undefined;
export function geo() {
  geoCache ??= createGeoLookup(
    readFileSync(fileURLToPath(new URL("../../worker/generated/geo.bin", import.meta.url))),
  );
  return geoCache;
}

export function config(user: UserConfig = {}): AnalysisConfig {
  const r = resolveConfig(user);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.config;
}

/** The configuration the fixture logs are analysed with throughout the tests. */
export const semicompleteConfig = () => config({ siteHosts: ["semicomplete.com"] });

/** A partial as plain data, each month's visitor-days as [key, record] in their order (a view's records are built when read). */
export function plain(p: AnalysisPartial) {
  const months = Object.fromEntries(
    Object.entries(p.months).map(([m, mp]) => [m, { ...mp, visitorDays: [...mp.visitorDays] }]),
  );
  return { ...p, months };
}
