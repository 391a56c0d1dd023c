/**
 * `vigie-agent cron` and `vigie-agent systemd service|timer`: the lines that run the agent, ready
 * to be written where they go, with the absolute paths of this very node and this very file.
 * cron's PATH (/usr/bin:/bin) may not hold the node the agent was installed with (a tarball in
 * /usr/local, nvm), and a systemd unit needs an absolute ExecStart anyway.
 */

export interface InstallPaths {
  /** The node that runs the agent (`process.execPath`). */
  node: string;
  /** The agent's own file. */
  script: string;
  /** The config file, absolute. */
  config: string;
  /** The user the agent runs as. */
  user: string;
  /** `process.version`, for the header. */
  nodeVersion: string;
}

const command = (p: InstallPaths) => `${p.node} ${p.script} run -c ${p.config}`;

/** A node under a home directory may be unreadable by the agent's user. */
function homeNote(p: InstallPaths): string[] {
  return /^\/(root|home)\//.test(p.node)
    ? [
        `# note: ${p.node} is under a home directory: the user ${p.user} may not be allowed to run it;`,
        "# a system-wide node (Debian's nodejs package: /usr/bin/node) is safer.",
      ]
    : [];
}

/** `/etc/cron.d/vigie`: every minute, the heartbeat (when `node` is configured), then the logs. */
export function cronFile(p: InstallPaths): string {
  return [
    `# /etc/cron.d/vigie, written by \`vigie-agent cron\` (node ${p.nodeVersion}).`,
    '# Every minute: the heartbeat (when "node" is configured), then the new log lines. Silent on',
    "# success: cron mails only trouble. A run finding another still shipping exits at once.",
    ...homeNote(p),
    `* * * * *  ${p.user}  ${command(p)}`,
    "",
  ].join("\n");
}

/** `/etc/systemd/system/vigie-agent.service` or `.timer`. */
export function systemdUnit(unit: "service" | "timer", p: InstallPaths): string {
  if (unit === "timer")
    return [
      "# /etc/systemd/system/vigie-agent.timer, written by `vigie-agent systemd timer`.",
      "# A minute after each run ends (a long backlog's run sends heartbeats between its chunks).",
      "[Unit]",
      "Description=Run the Vigie agent every minute",
      "",
      "[Timer]",
      "OnBootSec=1min",
      "OnUnitInactiveSec=1min",
      "AccuracySec=5s",
      "",
      "[Install]",
      "WantedBy=timers.target",
      "",
    ].join("\n");
  return [
    `# /etc/systemd/system/vigie-agent.service, written by \`vigie-agent systemd service\` (node ${p.nodeVersion}).`,
    ...homeNote(p),
    "[Unit]",
    "Description=Vigie agent: heartbeat, then the new access-log lines",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `User=${p.user}`,
    `ExecStart=${command(p)}`,
    "Nice=10",
    "IOSchedulingClass=idle",
    "MemoryMax=128M",
    "",
  ].join("\n");
}
