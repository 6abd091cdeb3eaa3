import { connect, createServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (the kernel picks it; someone may take it later). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

function acceptsOn(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether something accepts TCP connections on this port of the loopback interface, over IPv4 or
 * IPv6: a service may listen on either, and a readiness probe must find it wherever it is.
 */
export async function acceptsConnections(port: number, timeoutMs = 1000): Promise<boolean> {
  if (await acceptsOn('127.0.0.1', port, timeoutMs)) return true;
  return acceptsOn('::1', port, timeoutMs);
}
