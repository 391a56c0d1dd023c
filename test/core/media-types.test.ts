import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ASSET_EXTENSIONS, DOWNLOAD_EXTENSIONS } from "../../worker/core/media-types";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the media type table", () => {
  it("is what the pinned mime-db gives (regenerated and compared)", () => {
    // Throws, with the script's message, when worker/core/media-types.ts is stale or edited.
    execFileSync("node", ["scripts/build-media-types.mjs", "--check"], { cwd: root });
  });

  it("puts no extension in both lists, and each in lowercase without a dot", () => {
    const assets = new Set(ASSET_EXTENSIONS);
    expect(DOWNLOAD_EXTENSIONS.filter((e) => assets.has(e))).toEqual([]);
    for (const e of [...ASSET_EXTENSIONS, ...DOWNLOAD_EXTENSIONS])
      expect(e).toMatch(/^[a-z0-9][a-z0-9_+-]*$/);
    expect(ASSET_EXTENSIONS.length).toBeGreaterThan(300);
    expect(DOWNLOAD_EXTENSIONS.length).toBeGreaterThan(700);
  });
});
