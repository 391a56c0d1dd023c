// Virtual-host logs made from the combined fixture logs, and an oracle of each host's days computed
// from its own lines (pure: shared by the node and workerd tests).
import { analyzeText } from "../worker/core/analyze";
import type { AnalysisConfig } from "../worker/core/config";

const MONTHS: Record<string, string> = {
  Jan: "01",
  Feb: "02",
  Mar: "03",
  Apr: "04",
  May: "05",
  Jun: "06",
  Jul: "07",
  Aug: "08",
  Sep: "09",
  Oct: "10",
  Nov: "11",
  Dec: "12",
};

/**
 * The virtual host (as keyed: lowercased, no port) a combined line is served by, from its client
 * address, so that a client keeps its host: most on www.example.org and blog.example.org, the
 * rest spread over `others` small hosts (h1.example.net…).
 */
export function hostOf(line: string, others: number): string {
  const ip = line.slice(0, line.indexOf(" "));
  let h = 2166136261;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 16777619);
  const n = (h >>> 0) % 100;
  if (others === 0 || n < 50) return "www.example.org";
  if (n < 75) return "blog.example.org";
  return `h${(h >>> 8) % others}.example.net`;
}

/**
 * The combined log as Apache's vhost_combined writes it (`%v:%p ` before each line): the host
 * spelled in capitals on every third line and its port 80 or 443, which its key drops.
 */
export function vhostLog(text: string, others: number): string {
  return text
    .split("\n")
    .map((line, i) => {
      if (line === "") return line;
      const host = hostOf(line, others);
      return `${i % 3 === 0 ? host.toUpperCase() : host}:${i % 2 ? 443 : 80} ${line}`;
    })
    .join("\n");
}

export interface HostDay {
  date: string;
  hits: number;
  pages: number;
  bytes: number;
}

/**
 * Each host's days, from the combined text: its lines grouped by host and by the date written in
 * their time, each group analysed alone (as combined lines); pages are the page views of agents that are not robots,
 * as the month's hours count them line by line.
 */
export function hostDays(
  text: string,
  others: number,
  config: AnalysisConfig,
): Map<string, HostDay[]> {
  const groups = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const t = /\[(\d{2})\/(\w{3})\/(\d{4}):/.exec(line);
    if (t === null) throw new Error(`no date in ${line}`);
    const id = `${hostOf(line, others)}\t${t[3]}-${MONTHS[t[2]]}-${t[1]}`;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = []));
    g.push(line);
  }
  const out = new Map<string, HostDay[]>();
  for (const [id, lines] of groups) {
    const [host, date] = id.split("\t");
    const p = analyzeText(lines.join("\n"), { ...config, format: "combined" });
    const day: HostDay = { date, hits: p.hits, pages: 0, bytes: 0 };
    for (const m of Object.values(p.months))
      for (let h = 0; h < 24; h++) {
        day.pages += m.hours[4 * h + 1];
        day.bytes += m.hours[4 * h + 2];
      }
    let days = out.get(host);
    if (days === undefined) out.set(host, (days = []));
    days.push(day);
  }
  for (const days of out.values()) days.sort((a, b) => (a.date < b.date ? -1 : 1));
  return out;
}
