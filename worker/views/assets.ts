import { SORT_SCRIPT } from "./assets/sort-script";
import { STYLE } from "./assets/style";

/** A short, stable hash (FNV-1a, base 36): asset versions and ETags. */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The static files of the report pages, named by path, each with a content hash for cache busting. */
export const ASSETS: Record<string, { body: string; type: string; hash: string }> = {
  "vigie.css": { body: STYLE, type: "text/css; charset=utf-8", hash: fnv1a(STYLE) },
  "sort.js": {
    body: SORT_SCRIPT,
    type: "text/javascript; charset=utf-8",
    hash: fnv1a(SORT_SCRIPT),
  },
};

export const assetUrl = (name: keyof typeof ASSETS & string) =>
  `/assets/${name}?v=${ASSETS[name].hash}`;
