// Assembles worker/core/scan-lines.wat into scan-lines.wasm (`npm run build:wasm`). The binary is
// committed, so that neither the worker nor its deployment needs this step; a test checks that the two agree.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import wabtInit from "wabt";

const core = join(dirname(fileURLToPath(import.meta.url)), "..", "worker", "core");
export const SCAN_LINES_WASM = join(core, "scan-lines.wasm");

/** The binary of scan-lines.wat. */
export async function assembleScanLines(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(
    "scan-lines.wat",
    readFileSync(join(core, "scan-lines.wat"), "utf8"),
    { simd: true },
  );
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await assembleScanLines();
  writeFileSync(SCAN_LINES_WASM, bytes);
  console.log(`worker/core/scan-lines.wasm: ${bytes.length} bytes`);
}
