/**
 * Exit codes, from the most to the least severe. When a run meets several problems it exits with
 * the most severe (the smallest non-zero code), so one look at `$?` says what needs a human.
 * docs/agent.md carries the same table (a test checks its rows): change both together.
 */
export const EXIT = {
  /** Everything shipped (or nothing to do). */
  ok: 0,
  /** A bug in the agent: the message carries a stack trace. */
  internal: 1,
  /** Bad command line. */
  usage: 2,
  /** Bad or missing configuration, or the state or lock file cannot be read or written. */
  config: 3,
  /**
   * The worker refused the token or does not know the site (401/403/404), or `workerUrl` is not
   * the worker's API (an HTML page, TLS against plain HTTP): nothing was sent.
   */
  auth: 4,
  /**
   * The worker refused what was sent: a chunk (400/409/413/422; that file is stopped until someone
   * looks, the others go on), or a heartbeat (422: from a private or CGNAT address; 400).
   */
  refused: 5,
  /** A log file could not be read (the others were shipped). */
  unreadable: 6,
  /** The onMasterAddressChange hook failed (it runs again on the next heartbeat). */
  hook: 7,
  /** The worker was unreachable or kept failing (network, 5xx, 429) after every retry, or its certificate was refused: the next run resumes. */
  unavailable: 8,
  /** Another agent holds the lock (a long backlog still shipping): this run did nothing. */
  busy: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The problems a run met; its exit code is the most severe. */
export class Problems {
  private codes: ExitCode[] = [];

  constructor(private readonly write: (line: string) => void) {}

  /** Records a problem and prints it (one line, or several for a stack) on stderr. */
  add(code: ExitCode, message: string, print = true): void {
    this.codes.push(code);
    if (print) this.write(`vigie-agent: ${message}\n`);
  }

  has(code: ExitCode): boolean {
    return this.codes.includes(code);
  }

  exitCode(): ExitCode {
    const failures = this.codes.filter((c) => c !== EXIT.ok);
    return failures.length ? (Math.min(...failures) as ExitCode) : EXIT.ok;
  }
}
