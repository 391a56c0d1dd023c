import { LineScanner } from "./core/line-scanner";
// Assembled from core/scan-lines.wat (npm run build:wasm); a wrangler CompiledWasm module.
import scanLines from "./core/scan-lines.wasm";

let scanner: LineScanner | null = null;

/**
 * The isolate's line scanner (see core/line-scanner.ts): finding lines and fields there, sixteen
 * bytes a step, halves a chunk's analysis time in workerd, where a `Uint8Array`'s `indexOf` is
 * slow. Each ingest borrows it for its synchronous analysis. Its memory grows to the largest chunk
 * seen (at most MAX_CHUNK_BYTES, plus 164 KB) and stays for the isolate's life.
 */
export function lineScanner(): LineScanner {
  scanner ??= new LineScanner(scanLines);
  return scanner;
}
