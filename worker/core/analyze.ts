import type { AnalysisConfig } from "./config";
import type { GeoLookup } from "./geo";
import type { AnalysisPartial } from "./partial";
import { Analyzer } from "./analyzer";

/** Analyses a whole text in one go (tests, small inputs). */
export function analyzeText(
  text: string,
  config: AnalysisConfig,
  geo: GeoLookup | null = null,
): AnalysisPartial {
  const a = new Analyzer(config, geo);
  a.push(text);
  return a.finish();
}
