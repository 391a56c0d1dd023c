// Writes worker/core/media-types.ts, the built-in asset and download extensions, from the pinned
// mime-db package (the media type database of the jshttp projects, which Express and most Node
// servers use). The core then holds two short strings, not a 200 KB JSON to parse at start.
//
// The rule, by media type (docs/figures.md says it to users):
// - a PAGE type (HTML, XHTML, WML, PHP, Perl scripts) is in neither list: a hit on it is a page;
// - an ASSET is what a page loads or a browser shows as it is: image/*, audio/*, video/*, font/*,
//   text/* (style sheets, scripts, plain text, source code), JavaScript, JSON and XML data, source
//   maps, web manifests, WebAssembly, Flash, Java classes, subtitles, streaming playlists, web 3D;
// - a DOWNLOAD is a file a person takes away: every other type — archives, packages, documents
//   (pdf, epub, office), disk images, executables, Java archives, text data meant to be saved
//   (csv, calendars, cards), model/*, chemical/*, message/*;
// - feed types (RSS, Atom, RDF) are in neither: feedPatterns flag them.
// An extension several types claim takes the first of page, asset, feed, download that one of
// them is (mp4 is application/mp4 and video/mp4: an asset).
//
// Usage: node scripts/build-media-types.mjs [--check]. --check writes nothing and fails when the
// committed table differs from what the installed mime-db gives (a test runs it).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "worker/core/media-types.ts");
const pkgDir = join(root, "node_modules/mime-db");
const version = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
/** @type {Record<string, { extensions?: string[] }>} */
const db = JSON.parse(readFileSync(join(pkgDir, "db.json"), "utf8"));

const PAGE_TYPES = new Set([
  "text/html",
  "application/xhtml+xml",
  "text/vnd.wap.wml",
  "application/x-httpd-php",
  "application/x-perl",
  "application/vnd.pwg-xhtml-print+xml",
]);
const FEED_TYPES = new Set(["application/rss+xml", "application/atom+xml", "application/rdf+xml"]);
const ASSET_TOP = new Set(["image", "audio", "video", "font", "text"]);
/** Text types that are documents or data to save rather than text to show. */
const TEXT_DOWNLOADS = new Set([
  "text/rtf",
  "text/richtext",
  "text/csv",
  "text/tab-separated-values",
  "text/calendar",
  "text/x-vcalendar",
  "text/vcard",
  "text/x-vcard",
]);
const ASSET_TYPES = new Set([
  // Scripts.
  "application/javascript",
  "application/x-javascript",
  "application/ecmascript",
  "application/node",
  "application/wasm",
  // Data a page fetches; "map" (source maps) is application/json.
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/xml",
  "application/xslt+xml",
  // Plug-ins a page embeds.
  "application/x-shockwave-flash",
  "application/java-vm",
  // Fonts under their older types.
  "application/font-woff",
  "application/font-tdpfr",
  "application/vnd.ms-fontobject",
  "application/x-font-bdf",
  "application/x-font-ghostscript",
  "application/x-font-linux-psf",
  "application/x-font-pcf",
  "application/x-font-snf",
  "application/x-font-type1",
  // Subtitles and streaming playlists a page's player loads.
  "application/x-subrip",
  "application/ttml+xml",
  "application/dash+xml",
  "application/vnd.apple.mpegurl",
  // 3D scenes a page renders.
  "model/gltf+json",
  "model/gltf-binary",
]);
/** Extensions mime-db has no type for, by the class of the type they would have. */
const EXTRA = {
  asset: ["py", "rb", "go", "diff", "patch"],
  download: ["tgz", "tbz2", "txz", "zst", "whl", "gem", "ipa", "appimage", "pyc"],
};

/**
 * Extensions left out, so that a hit on them is a page: paths ending in a host name
 * ("/whois/example.com", "/out/example.org") outnumber MS-DOS programs and Emacs Org files.
 */
const LEFT_OUT = new Set(["com", "org"]);

const RANK = { page: 0, asset: 1, feed: 2, download: 3 };

/** @param {string} type */
function classOf(type) {
  if (PAGE_TYPES.has(type)) return "page";
  if (FEED_TYPES.has(type)) return "feed";
  if (ASSET_TYPES.has(type)) return "asset";
  if (TEXT_DOWNLOADS.has(type)) return "download";
  if (ASSET_TOP.has(type.split("/")[0])) return "asset";
  return "download";
}

/** The text of worker/core/media-types.ts for the installed mime-db. */
function source() {
  /** @type {Map<string, keyof typeof RANK>} */
  const best = new Map();
  for (const [type, entry] of Object.entries(db)) {
    const c = classOf(type);
    for (const ext of entry.extensions ?? []) {
      if (LEFT_OUT.has(ext)) continue;
      const had = best.get(ext);
      if (had === undefined || RANK[c] < RANK[had]) best.set(ext, c);
    }
  }
  for (const [c, exts] of Object.entries(EXTRA))
    for (const ext of exts) {
      if (best.has(ext)) throw new Error(`${ext} is in mime-db now: drop it from EXTRA`);
      best.set(ext, /** @type {"asset" | "download"} */ (c));
    }
  const list = (c) =>
    [...best]
      .filter(([, k]) => k === c)
      .map(([e]) => e)
      .sort();
  return `// Generated by scripts/build-media-types.mjs from mime-db ${version}: do not edit.
// The rule that sorts media types into assets and downloads is stated in that script.

/** Extensions of static assets (lowercase, no dot): what a page loads or a browser shows as it is. */
export const ASSET_EXTENSIONS: readonly string[] = words(\`
${wrap(list("asset"))}
\`);

/** Extensions of downloads: archives, packages, documents, disk images, executables… */
export const DOWNLOAD_EXTENSIONS: readonly string[] = words(\`
${wrap(list("download"))}
\`);

function words(text: string): string[] {
  return text.trim().split(/\\s+/);
}
`;
}

/** Words joined by spaces in lines of at most 100 characters. */
function wrap(words) {
  const lines = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > 100) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

const text = source();
if (process.argv.includes("--check")) {
  if (readFileSync(out, "utf8") !== text) {
    console.error(
      `worker/core/media-types.ts differs from what mime-db ${version} gives: run node scripts/build-media-types.mjs`,
    );
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`build-media-types: ${out} from mime-db ${version}`);
}
