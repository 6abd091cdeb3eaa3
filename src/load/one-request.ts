import http from 'node:http';
import https from 'node:https';
import type { PacerClock } from './arrival-pacer.js';
import type { LoadTarget } from './types.js';

/**
 * One HTTP request over node:http, timed from just before its connection is opened to the last byte
 * of its answer: the unit of the connection probe and of the per-request engine, for services whose
 * connections cannot be reused.
 */

/** A target prepared once per trial: what every request of it sends. */
export interface RequestSpec {
  transport: typeof http | typeof https;
  options: http.RequestOptions;
  body: Buffer | undefined;
}

export function requestSpec(url: URL, target: LoadTarget): RequestSpec {
  const secure = url.protocol === 'https:';
  const body = target.body === undefined ? undefined : Buffer.from(target.body);
  const headers: Record<string, string> = { ...target.headers };
  const named = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (body !== undefined && !named('content-length')) headers['content-length'] = String(body.length);
  return {
    transport: secure ? https : http,
    options: {
      // The URL parser keeps IPv6 hosts in brackets; the socket wants the bare address.
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: target.method,
      headers,
      // Like autocannon: load targets this machine, often with a self-signed certificate.
      ...(secure ? { rejectUnauthorized: false } : {}),
    },
    body,
  };
}

export type RequestResult =
  | { kind: 'response'; status: number; ms: number; httpVersion: string; connection: string | undefined }
  | { kind: 'failure'; failure: string; ms: number }
  /** Given up by abandon(): the window closed while it was in flight. */
  | { kind: 'abandoned' };

export interface PendingRequest {
  readonly startMs: number;
  readonly done: Promise<RequestResult>;
  /** Destroys the request; `done` resolves as abandoned unless it has already settled. */
  abandon(): void;
}

/**
 * Sends one request. `agent: false` opens a connection of its own (and asks the service to close
 * it); an Agent keeps it. A request unanswered after `timeoutMs` fails as 'timeout'; a socket error
 * fails with its code. Never rejects.
 */
export function sendRequest(spec: RequestSpec, agent: http.Agent | false, timeoutMs: number, clock: PacerClock): PendingRequest {
  let settle!: (result: RequestResult) => void;
  let settled = false;
  const done = new Promise<RequestResult>((resolve) => {
    settle = (result) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      resolve(result);
    };
  });
  const startMs = clock.now();
  const elapsed = () => clock.now() - startMs;
  const req = spec.transport.request({ ...spec.options, agent });
  const timer = clock.setTimeout(() => {
    settle({ kind: 'failure', failure: 'timeout', ms: elapsed() });
    req.destroy();
  }, timeoutMs);
  req.on('response', (res) => {
    res.on('error', (err) => settle({ kind: 'failure', failure: errorKind(err), ms: elapsed() }));
    res.on('aborted', () => settle({ kind: 'failure', failure: 'ECONNRESET', ms: elapsed() }));
    res.on('end', () => {
      const connection = res.headers.connection;
      settle({ kind: 'response', status: res.statusCode ?? 0, ms: elapsed(), httpVersion: res.httpVersion, connection });
    });
    res.resume();
  });
  req.on('error', (err) => settle({ kind: 'failure', failure: errorKind(err), ms: elapsed() }));
  req.end(spec.body);
  return {
    startMs,
    done,
    abandon: () => {
      settle({ kind: 'abandoned' });
      req.destroy();
    },
  };
}

/** A socket error's code ('ECONNREFUSED', 'ECONNRESET', ...): a small, fixed set of keys. */
export function errorKind(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'socket error';
}
