// Plays perfgate for the signal tests: loads the service module (bundled from the TypeScript source
// by the test), starts one service and prints {"pid": N, "pids": [...]} on stdout.
//   node signal-driver.mjs <bundle.mjs> <spec JSON> signal <graceMs>  then waits for SIGINT/SIGTERM
//   node signal-driver.mjs <bundle.mjs> <spec JSON> exit               then exits at once, stopping nothing
import { pathToFileURL } from 'node:url';

const [bundle, specJson, mode, grace] = process.argv.slice(2);
const service = await import(pathToFileURL(bundle).href);
if (mode === 'signal') {
  service.installSignalCleanup({
    graceMs: Number(grace),
    onSignal: (signal, count) => console.error(`driver got ${signal}, stopping ${count} service(s)`),
  });
}
const running = await service.startService(JSON.parse(specJson));
const tree = await service.procTreeUsage(running.pid);
console.log(JSON.stringify({ pid: running.pid, pids: tree.pids }));
if (mode === 'exit') process.exit(0);
setInterval(() => {}, 1000);
