export { truncateAddress } from "../../worker/ingest/privacy";

/** What the fake resolver (vitest.config.ts) answers for an address of 66.249.0.0/16. */
export function ptrNameFor(ip: string): string {
  const [, , c, d] = ip.split(".");
  return `rate-limited-proxy-66-249-${c}-${d}.google.com`;
}
