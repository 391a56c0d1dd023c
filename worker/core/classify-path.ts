import type { AnalysisConfig } from "./config";
import { decodeBytes } from "./byte-interner";
import { perConfiguration, remembered } from "./memo";
import { ASSET_EXTENSIONS, DOWNLOAD_EXTENSIONS } from "./media-types";

/** A static asset (assetExtensions): never a page. */
export const ASSET = 1;
/** A download (downloadExtensions, downloadPaths): never a page either. */
export const DOWNLOAD = 2;
export const FEED = 4;
export const ROBOTS_TXT = 8;
/** A path scanners probe for (`probePaths`): a hit on it answered 4xx is looking for weak spots. */
export const PROBE = 16;
/** A form page (`formPaths`): login, join, password… */
export const FORM = 32;

/**
 * Flags of a path (without its query): a static asset, a download (neither is ever a page), a
 * feed, /robots.txt, a probe or a form. Answers are remembered by the process or isolate, per
 * configuration (see memo.ts).
 */
export const createPathClassifier: (config: AnalysisConfig) => (path: string) => number =
  perConfiguration(
    (config) => remembered(pathClassifier(config)),
    (c) =>
      JSON.stringify([
        listKey(c.assetExtensions, ASSET_EXTENSIONS),
        listKey(c.downloadExtensions, DOWNLOAD_EXTENSIONS),
        c.downloadPaths,
        c.feedPatterns,
        c.probePaths,
        c.formPaths,
      ]),
  );

/**
 * A list as a key: `[1, rest]` when it starts with the built-in entries (as resolveConfig puts
 * them), else `[0, list]`. Written out, the 1,200 built-in extensions cost 0.05 ms an analysis.
 */
function listKey(list: readonly string[], builtin: readonly string[]): [number, readonly string[]] {
  let i = 0;
  if (list.length >= builtin.length) while (i < builtin.length && list[i] === builtin[i]) i++;
  return i === builtin.length ? [1, list.slice(i)] : [0, list];
}

function pathClassifier(config: AnalysisConfig): (path: string) => number {
  // Looked up by the path's last extension: the built-in lists hold some 1,400 extensions.
  const assets = new Set(config.assetExtensions);
  const downloads = new Set(config.downloadExtensions.filter((e) => !e.includes(".")));
  /** Extensions of several parts (`tar.gz`), matched as suffixes. */
  const downloadSuffixes = config.downloadExtensions
    .filter((e) => e.includes("."))
    .map((e) => `.${e}`);
  const feeds = config.feedPatterns.map((p) => p.toLowerCase());
  // Copied: the classifier outlives this configuration object (it serves every equal one).
  const downloadPaths = [...config.downloadPaths];
  const probes = config.probePaths.map((p) => p.toLowerCase());
  const forms = config.formPaths.map((p) => p.toLowerCase());
  return (path) => {
    const lower = path.toLowerCase();
    let flags = 0;
    const slash = lower.lastIndexOf("/");
    const dot = lower.lastIndexOf(".");
    const ext = dot > slash ? lower.slice(dot + 1) : null;
    if (ext !== null && assets.has(ext)) flags |= ASSET;
    if (
      (ext !== null && downloads.has(ext)) ||
      downloadSuffixes.some((d) => lower.endsWith(d)) ||
      downloadPaths.some((p) => path.startsWith(p))
    )
      flags |= DOWNLOAD;
    if (isFeed(lower, feeds)) flags |= FEED;
    if (lower === "/robots.txt") flags |= ROBOTS_TXT;
    if (probes.some((p) => lower.includes(p))) flags |= PROBE;
    if (forms.some((p) => lower.includes(p))) flags |= FORM;
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

/**
 * isFeed over a query's UTF-8 bytes, for the per-line loop: ASCII is lowercased byte by byte,
 * which is all toLowerCase does to it, so a query of ASCII bytes is never decoded. Anything else
 * takes the decoded way, where Unicode lowercasing can make an ASCII letter (the Kelvin sign K
 * becomes k): a query with a byte beyond ASCII, or a pattern beyond it (or empty).
 */
export function createFeedTest(
  feedPatterns: readonly string[],
): (b: Uint8Array, s: number, e: number) => boolean {
  const lower = feedPatterns.map((p) => p.toLowerCase());
  const ascii = lower.every((p) => p !== "" && [...p].every((ch) => ch.charCodeAt(0) < 128));
  const decoded = (b: Uint8Array, s: number, e: number) =>
    isFeed(decodeBytes(b, s, e).toLowerCase(), lower);
  if (!ascii) return decoded;
  const patterns = lower.map((p) => Uint8Array.from(p, (c) => c.charCodeAt(0)));
  /** Patterns by their first byte. */
  const byFirst: Uint8Array[][] = Array.from({ length: 128 }, () => []);
  for (const p of patterns) byFirst[p[0]].push(p);
  /** 1 for the bytes a pattern starts with, lowercased: most bytes of a query start none. */
  const starts = new Uint8Array(128);
  for (const p of patterns) starts[p[0]] = 1;
  return (b, s, e) => {
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c >= 0x80) return decoded(b, s, e);
      const l = lowerAscii(c);
      if (starts[l] === 0) continue;
      // An indexed loop: a for-of here cost twice the time of the whole test.
      const starting = byFirst[l];
      next: for (let k = 0; k < starting.length; k++) {
        const p = starting[k];
        const after = i + p.length;
        if (after > e) continue;
        for (let j = 1; j < p.length; j++) if (lowerAscii(b[i + j]) !== p[j]) continue next;
        if (after === e) return true;
        const n = b[after];
        if (n >= 0x80) return decoded(b, s, e);
        const l = lowerAscii(n);
        if (!(l >= 97 && l <= 122)) return true;
      }
    }
    return false;
  };
}

/** An ASCII byte lowercased (A–Z → a–z); others as they are. */
function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}
