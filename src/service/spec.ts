/** How to tell that a freshly started service can take traffic. Every condition given must hold. */
export interface ReadySpec {
  /** Ready when an HTTP GET here answers with a status below 500. Loopback hosts only. */
  url?: string;
  /** Ready when a TCP connection to this port on loopback is accepted. */
  tcpPort?: number;
  /** Ready when a line the service logs matches this regular expression. */
  logPattern?: string;
  timeoutMs: number;
  /** Poll interval; default 100 ms. */
  intervalMs?: number;
}

/** One variant's service: how to start it, where it listens, where its output goes. */
export interface ServiceSpec {
  /** Variant name used in messages: 'head', 'base'. */
  name: string;
  /** Longer name for messages when set, e.g. 'base (commit 1a2b3c4)'. */
  description?: string;
  /** Run through `/bin/sh -c` in its own process group. */
  command: string;
  cwd: string;
  /** Merged over process.env; PORT is set to `port` when a port is given. */
  env: Record<string, string>;
  port: number | null;
  /** With no url, tcpPort or logPattern, readiness waits for `port` to accept connections. */
  ready: ReadySpec;
  /** stdout and stderr are appended here; missing directories are created. */
  logFile: string;
}
