/**
 * What a fresh clone holds, in a temporary directory: the files git would commit (tracked and new
 * ones, as they are in the working tree; nothing ignored, so no `worker/generated/`, `dist/`,
 * `.wrangler/` or `.vigie/`), with the project's `node_modules` symlinked rather than installed.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { root } from "../../scripts/local-worker";

export interface Checkout {
  dir: string;
  remove(): void;
}

export function freshCheckout(prefix: string): Checkout {
  const dir = mkdtempSync(join(tmpdir(), `vigie-${prefix}-`));
  const files = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: root,
      encoding: "utf8",
    },
  )
    .split("\0")
    .filter((f) => f && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(root, f), join(dir, f));
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
