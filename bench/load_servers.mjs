// What the load benchmarks share: a process run without blocking (the
// servers' logs are read meanwhile), and a server that logs to a file,
// since reading its log through a pipe would put the reader's CPU into the
// measurement.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';

import { merchantKey, root, tokenSecret } from '../tests/server/loyalty-server.mjs';

export const serverEnv = { ...process.env, LOYALTY_MERCHANT_KEY: merchantKey, LOYALTY_TOKEN_SECRET: tokenSecret };

export function run(file, args, env = serverEnv) {
  return new Promise((done) => {
    const child = spawn(file, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** `loyalty serve` from `binary` with `args`, logging to `log`: its URL, pid and stop(). */
export async function startLoggingToFile(binary, args, log) {
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', openSync(log, 'w')],
    env: serverEnv,
  });
  for (let waited = 0; waited < 15000; waited += 50) {
    const match = readFileSync(log, 'utf8').match(/"event":"listening".*?"url":"([^"]+)"/);
    if (match) {
      const exited = new Promise((done) => child.once('exit', done));
      return { url: match[1], pid: child.pid, stop: () => { child.kill('SIGTERM'); return exited; } };
    }
    if (child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`loyalty serve did not start:\n${readFileSync(log, 'utf8')}`);
}
