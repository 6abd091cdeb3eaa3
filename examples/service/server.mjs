#!/usr/bin/env node
// The example service perfgate measures in its demo, its end-to-end tests and its own perf
// workflow. Endpoints of different character, and regressions injected through environment
// variables so a test can make it slower in a known way:
//   EXTRA_CPU_US      extra busy-loop microseconds of CPU per request (all endpoints)
//   EXTRA_CPU_PERCENT extra CPU as a percentage of each endpoint's own work (e.g. 5 = +5%)
//   EXTRA_LATENCY_MS  extra milliseconds of waiting (timer, no CPU) per request
//   LATENCY_PATH      apply EXTRA_LATENCY_MS only to this path (default: all)
//   LEAK_BYTES        bytes kept forever per request (a memory leak)
//   LEAK_EVERY        keep them only every Nth request (default 1): a slow leak whose payload is
//                     known, e.g. 4096 bytes every 40th request at 100 req/s is 37 MB/h
//   ERROR_RATE        share of requests answered 500 (0..1), spread evenly, not at random
//   LIMIT_CONCURRENCY  /api/limited serves at most this many requests at a time (default 10), the
//   LIMIT_SERVICE_MS   rest wait in a first-come queue; each takes this long (default 50, a timer,
//                      no CPU). So its capacity is known: LIMIT_CONCURRENCY / LIMIT_SERVICE_MS,
//                      200 req/s by default, and above it the queue grows at the excess rate.
//   WRITE_SLOWER_PERCENT  makes only the write endpoint (POST /api/orders) this much slower: its
//                      wait (20 ms, a timer: long beside the timers' 1 ms granularity) grows by
//                      this percentage, nothing else changes
//   PORT              port to listen on (default 3000); HOST (default 127.0.0.1)
//
// Endpoints for mixes and journeys: POST /login {"user"} answers {"token"}; GET /api/me needs
// "Authorization: Bearer <token>" (401 without); POST /api/orders creates an order and answers
// {"id"} (201), GET /api/orders/<id> reads it back (404 for an unknown id); GET /api/items/<id>
// reads one item and counts the distinct ids asked for (in /stats as distinctItemIds).
import http from 'node:http';

const env = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`example service: ${name}=${JSON.stringify(v)} is not a non-negative number`);
    process.exit(2);
  }
  return n;
};

const port = env('PORT', 3000);
const host = process.env.HOST || '127.0.0.1';
const extraCpuUs = env('EXTRA_CPU_US', 0);
const extraCpuPercent = env('EXTRA_CPU_PERCENT', 0);
const extraLatencyMs = env('EXTRA_LATENCY_MS', 0);
const latencyPath = process.env.LATENCY_PATH || null;
const leakBytes = env('LEAK_BYTES', 0);
const leakEvery = Math.max(1, Math.floor(env('LEAK_EVERY', 1)));
const errorRate = env('ERROR_RATE', 0);
const limitConcurrency = Math.max(1, Math.floor(env('LIMIT_CONCURRENCY', 10)));
const limitServiceMs = env('LIMIT_SERVICE_MS', 50);
const writeSlowerPercent = env('WRITE_SLOWER_PERCENT', 0);
const WRITE_WAIT_MS = 20;

// Busy-wait on a CPU clock so the work is CPU time, not wall time: on a busy machine the
// request then takes longer, as real CPU work would.
function burnCpu(us) {
  if (us <= 0) return;
  const end = process.cpuUsage();
  const target = end.user + end.system + us;
  let x = 0;
  for (;;) {
    for (let i = 0; i < 200; i++) x += Math.sqrt(i + x);
    const u = process.cpuUsage();
    if (u.user + u.system >= target) return x;
  }
}

const items = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, price: (i * 7.3) % 100 }));
const leaked = [];
let served = 0;
let errorCredit = 0;

const BASE_CPU_US = { '/api/items': 50, '/api/compute': 400, '/api/slow': 20, '/api/limited': 0, '/health': 0, '/stats': 0 };

// Sessions, orders and the ids seen, for mixes and journeys. Bounded, so a long run does not grow.
const MAX_KEPT = 100_000;
const tokens = new Map();
const orders = new Map();
const itemIdsSeen = new Set();
let nextOrder = 1;
const remember = (map, key, value) => {
  if (map.size >= MAX_KEPT) map.delete(map.keys().next().value);
  map.set(key, value);
};
const readBody = (req, done) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    try {
      done(text === '' ? {} : JSON.parse(text));
    } catch {
      done(null);
    }
  });
};
const bearer = (req) => {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m ? tokens.get(m[1]) : undefined;
};

// /api/limited: a fixed number of workers and a queue in front of them, like a connection pool.
let busyWorkers = 0;
const waiting = [];
function limited(done) {
  if (busyWorkers < limitConcurrency) {
    busyWorkers++;
    setTimeout(() => {
      busyWorkers--;
      done();
      const next = waiting.shift();
      if (next) limited(next);
    }, limitServiceMs);
  } else {
    waiting.push(done);
  }
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (path === '/health') return send(200, { ok: true });
  if (path === '/stats') {
    const u = process.cpuUsage();
    return send(200, { served, cpuUs: u.user + u.system, rss: process.memoryUsage().rss, distinctItemIds: itemIdsSeen.size });
  }
  if (path === '/login' && req.method === 'POST') {
    return readBody(req, (body) => {
      if (!body || typeof body.user !== 'string') return send(400, { error: 'expected {"user": "<name>"}' });
      served++;
      burnCpu(50);
      const token = `tok-${body.user}-${served}`;
      remember(tokens, token, body.user);
      send(200, { token, user: body.user });
    });
  }
  if (path === '/api/me') {
    served++;
    const user = bearer(req);
    return user === undefined ? send(401, { error: 'log in first' }) : send(200, { user });
  }
  if (path === '/api/orders' && req.method === 'POST') {
    return readBody(req, (body) => {
      served++;
      burnCpu(50);
      const id = nextOrder++;
      remember(orders, id, { id, user: bearer(req) ?? null, ...(body ?? {}) });
      setTimeout(() => send(201, { id }), WRITE_WAIT_MS * (1 + writeSlowerPercent / 100));
    });
  }
  const orderId = /^\/api\/orders\/(\d+)$/.exec(path);
  if (orderId) {
    served++;
    const order = orders.get(Number(orderId[1]));
    return order ? send(200, order) : send(404, { error: `no order ${orderId[1]}` });
  }
  const itemId = /^\/api\/items\/([^/]+)$/.exec(path);
  if (itemId) {
    served++;
    if (itemIdsSeen.size < MAX_KEPT) itemIdsSeen.add(itemId[1]);
    burnCpu(20);
    return send(200, items[(Number(itemId[1]) || 0) % items.length]);
  }
  const base = BASE_CPU_US[path];
  if (base === undefined) return send(404, { error: `no such endpoint ${path}` });

  served++;
  if (leakBytes > 0 && served % leakEvery === 0) leaked.push(Buffer.alloc(leakBytes, 1));
  burnCpu(base + extraCpuUs + (base * extraCpuPercent) / 100);

  const finish = () => {
    // Evenly spread errors: a deterministic share, so a test knows exactly what to expect.
    errorCredit += errorRate;
    if (errorCredit >= 1) {
      errorCredit -= 1;
      return send(500, { error: 'injected error' });
    }
    if (path === '/api/items') return send(200, items);
    if (path === '/api/compute') {
      let h = 0;
      for (const it of items) h = (h * 31 + it.id) % 1000003;
      return send(200, { hash: h });
    }
    return send(200, { waited: true });
  };
  if (path === '/api/limited') return limited(finish);
  const delay = (path === '/api/slow' ? 10 : 0) + (latencyPath === null || latencyPath === path ? extraLatencyMs : 0);
  if (delay > 0) setTimeout(finish, delay);
  else finish();
});

server.keepAliveTimeout = 65_000;
server.listen(port, host, () => {
  console.log(`example service listening on http://${host}:${server.address().port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
