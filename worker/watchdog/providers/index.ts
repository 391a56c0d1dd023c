import { cloudflare } from "./cloudflare";
import { gandi } from "./gandi";
import type { DnsProvider, ProviderOptions } from "./types";

export type ProviderName = "cloudflare" | "gandi";

export function createProvider(name: ProviderName, opts: ProviderOptions): DnsProvider {
  return name === "gandi" ? gandi(opts) : cloudflare(opts);
}
