/** Replaced by the bundle's build (edge-agent/build.ts) with package.json's version. */
declare const __VIGIE_AGENT_VERSION__: string | undefined;

export const AGENT_VERSION: string =
  typeof __VIGIE_AGENT_VERSION__ === "string" ? __VIGIE_AGENT_VERSION__ : "0.0.0-dev";
