/**
 * Virtual hosts as the vhosts panels key them. A log's vhost field (`%v`, `%V`, `%{Host}i`,
 * `$host`, `$http_host`, `$server_name`) may carry a port and any case: `Example.org:8080` and
 * `example.org` are one host. The vhost-days panel keys a host's day as `HOST YYYY-MM-DD`, so
 * that one host's days are one range of keys (`HOST ` ≤ key < `HOST!`): a month filtered by host
 * reads only those.
 */

/** Lowercased, without a `:port` (`[::1]:443` → `[::1]`; a bare IPv6 address keeps its colons); "-" when empty. */
export function vhostKey(raw: string): string {
  let s = raw.trim().toLowerCase();
  const colon = s.lastIndexOf(":");
  if (
    colon >= 0 &&
    /^\d*$/.test(s.slice(colon + 1)) &&
    (s.indexOf(":") === colon || (s.startsWith("[") && s[colon - 1] === "]"))
  )
    s = s.slice(0, colon);
  return s === "" ? "-" : s;
}

/** The vhost-days key of a host's date. */
export const vhostDayKey = (host: string, date: string): string => `${host} ${date}`;

/** The date of a vhost-days key when it is `host`'s, else null (a host may hold a space). */
export function vhostDayOf(key: string, host: string): string | null {
  return key.length === host.length + 11 && key.startsWith(`${host} `) ? key.slice(-10) : null;
}
