#!/usr/bin/env node
// A service whose hot path is a tight numeric loop: the kind of code whose speed V8 decides once per
// process (inlining, register allocation, code alignment), so two starts of the same file can differ
// by a few percent for their whole life. The detection benchmark uses it beside the example service
// (issue 15); a change is injected as a share of extra loop iterations:
//   EXTRA_WORK_PERCENT  more iterations, as a percentage of ITERATIONS (5 = +5% of the work)
//   ITERATIONS          loop length per request (default 120000, about 60 µs on a 2026 runner core)
//   PORT                port to listen on (default 3000)
import http from 'node:http';

const num = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`numeric-loop service: ${name}=${JSON.stringify(v)} is not a non-negative number`);
    process.exit(2);
  }
  return n;
};
const port = num('PORT', 3000);
const iterations = Math.round(num('ITERATIONS', 120000) * (1 + num('EXTRA_WORK_PERCENT', 0) / 100));

// A strided walk over a typed array: a few instructions an iteration, so its speed depends on what
// V8 and the machine decide per process (code placement, the array's alignment in the heap).
const table = new Float64Array(4096);
for (let i = 0; i < table.length; i++) table[i] = i * 0.5;
function work(n, seed) {
  let t = seed;
  for (let i = 0; i < n; i++) t += table[(i * 7) & 4095] * 1.0001;
  return t;
}

let count = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok');
  }
  const text = JSON.stringify({ n: ++count, v: work(iterations, count % 97) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`numeric-loop service listening on http://127.0.0.1:${server.address().port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
