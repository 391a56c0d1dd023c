import type { GeoLookup } from "./core/geo";
import { createGeoLookup } from "./core/geo";
// Generated at build time by scripts/build-geo.mjs; a wrangler Data module (an ArrayBuffer).
import geoData from "./generated/geo.bin";

let lookup: GeoLookup | null = null;

/** The country table, opened once per isolate (views on the module's buffer: nothing is parsed). */
export function geoLookup(): GeoLookup {
  lookup ??= createGeoLookup(geoData);
  return lookup;
}
