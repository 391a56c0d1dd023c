import type { AnalysisConfig } from "./config";

export const ASSET = 1;
export const DOWNLOAD = 2;
export const FEED = 4;
export const ROBOTS_TXT = 8;

/**
 * Flags of a path (without its query): a static asset (never a page), a download, a feed, or
 * /robots.txt. Called once per distinct path; the caller caches the result.
 */
export function createPathClassifier(config: AnalysisConfig): (path: string) => number {
  const assets = new Set(config.assetExtensions);
  const downloads = config.downloadExtensions.map((e) => "." + e);
  const feeds = config.feedPatterns.map((p) => p.toLowerCase());
  return (path) => {
    const lower = path.toLowerCase();
    let flags = 0;
    const slash = lower.lastIndexOf("/");
    const dot = lower.lastIndexOf(".");
    if (dot > slash && assets.has(lower.slice(dot + 1))) flags |= ASSET;
    if (downloads.some((d) => lower.endsWith(d)) || config.downloadPaths.some((p) => path.startsWith(p))) flags |= DOWNLOAD;
    if (isFeed(lower, feeds)) flags |= FEED;
    if (lower === "/robots.txt") flags |= ROBOTS_TXT;
    return flags;
  };
}

/**
 * True when a lowercased path or query contains a feed pattern not followed by a letter
 * (so `/feed` and `flav=rss20` match, `/feedback` and `/atomic` do not).
 */
export function isFeed(lower: string, feedPatterns: readonly string[]): boolean {
  for (const p of feedPatterns) {
    for (let at = lower.indexOf(p); at >= 0; at = lower.indexOf(p, at + 1)) {
      const next = lower.charCodeAt(at + p.length);
      if (!(next >= 97 && next <= 122)) return true;
    }
  }
  return false;
}
