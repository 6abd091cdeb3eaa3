import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';

// A local stand-in for a self-hosted runner's HTTPS proxy. Clients reach `host` (e.g.
// api.github.test, a name no resolver knows) only through it: they send CONNECT host:443, and the
// proxy ends TLS itself with a certificate for that host, records each request and forwards it to
// the fake GitHub. A request that bypasses the proxy cannot even resolve the host. CONNECT to a
// loopback address (the fake's blob URLs, where a download redirects) is tunnelled as it is.

export interface ProxiedRequest {
  method: string;
  /** The Host header the client sent inside the tunnel. */
  host: string;
  /** Path and query. */
  url: string;
}

export interface InterceptingProxy {
  /** http://127.0.0.1:PORT, the value for https_proxy. */
  readonly url: string;
  /** Targets of CONNECT requests, as sent ("host:port"). */
  readonly connects: string[];
  /** Requests that came through a tunnel, in order. */
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

export interface InterceptingProxyOptions {
  /** The host whose requests the proxy reads and forwards; other than it, only loopback is tunnelled. */
  host: string;
  /** PEM certificate and key for `host`; the client must trust the certificate (NODE_EXTRA_CA_CERTS). */
  cert: Buffer;
  key: Buffer;
  /** Where requests for `host` go, e.g. the fake GitHub's http://127.0.0.1:PORT. */
  upstream: string;
}

export async function startInterceptingProxy(opts: InterceptingProxyOptions): Promise<InterceptingProxy> {
  const connects: string[] = [];
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? 'GET', host: req.headers.host ?? '', url: req.url ?? '/' });
    const target = new URL(req.url ?? '/', opts.upstream);
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`intercepting proxy: ${e.message}`);
    });
    req.pipe(upstream);
  };
  const tunnelEnd = createHttpsServer({ cert: opts.cert, key: opts.key }, forward);

  const proxy = createServer((_req, res) => {
    // Plain proxy requests (absolute URIs, for http:// targets) are not what the test is about.
    res.writeHead(501, { 'content-type': 'text/plain' }).end('intercepting proxy: only CONNECT is supported');
  });
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    const at = target.lastIndexOf(':');
    const host = target.slice(0, at);
    if (host === '127.0.0.1') {
      const upstream = connect(Number(target.slice(at + 1)), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      return;
    }
    if (host !== opts.host) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    tunnelEnd.emit('connection', socket);
  });

  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  return {
    url,
    connects,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      tunnelEnd.close();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
