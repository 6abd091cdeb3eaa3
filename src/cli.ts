// Entry of the `perfgate` command: everything lives in runCli; this only connects it to the process.
import { runCli } from './cli/run-cli.js';
import { terminalSupport } from './cli/terminal-support.js';

const terminal = terminalSupport({ isTTY: Boolean(process.stdout.isTTY), env: process.env, platform: process.platform });
const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  color: terminal.color,
  unicode: terminal.unicode,
});
// Exit explicitly: keep-alive sockets or retried HTTP requests must never hold a finished run open.
process.exitCode = code;
process.exit(code);
