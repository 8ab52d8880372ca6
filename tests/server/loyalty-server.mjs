// Starts `loyalty serve` on a free loopback port for a test and stops it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export async function startServer(args = []) {
  const bin = process.env.LOYALTY_BIN ?? `${root}build/native-debug/server/loyalty`;
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no 'listening' line from loyalty serve:\n${buffered}`)), 15000);
    child.stderr.on('data', (chunk) => {
      buffered += chunk;
      const match = buffered.match(/"event":"listening".*?"url":"([^"]+)"/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`loyalty serve exited with ${code}:\n${buffered}`)));
  });
  return {
    url,
    /** Sends SIGTERM; resolves with the exit code. */
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}
