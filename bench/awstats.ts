// AWStats as the bench and bench/peers.ts run it: Debian's awstats.pl on one log, from an empty
// data directory (AWStats keeps state between runs), combined format, no DNS lookups.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const AWSTATS_PL = "/usr/lib/cgi-bin/awstats.pl";

/**
 * Empties `dir`, writes the configuration `name` for `log` (the site's first host its domain, all
 * of them its aliases) and returns the arguments of `perl` that update its statistics.
 */
export function awstatsRun(log: string, dir: string, name: string, hosts: string[]): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `awstats.${name}.conf`),
    `${[
      `LogFile="${log}"`,
      "LogType=W",
      "LogFormat=1",
      `DirData="${dir}"`,
      `SiteDomain="${hosts[0]}"`,
      `HostAliases="${hosts.join(" ")}"`,
      "DNSLookup=0",
      "AllowToUpdateStatsFromBrowser=0",
      'SkipDNSLookupFor=""',
      "KeepBackupOfHistoricFiles=0",
      "PurgeLogFile=0",
    ].join("\n")}\n`,
  );
  return [AWSTATS_PL, `-config=${name}`, `-configdir=${dir}`, "-update"];
}
