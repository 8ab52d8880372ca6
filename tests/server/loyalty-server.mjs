// Starts `loyalty serve` on a free loopback port for a test, on its own
// database unless the test names one, and stops (or kills) it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkExchange } from './contract.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = process.env.LOYALTY_BIN ?? `${root}build/native-debug/server/loyalty`;
export const merchantKey = 'test-merchant-key';
export const tokenSecret = 'test-token-secret';

// LOYALTY_TEST_PG (a PostgreSQL URL, e.g. from scripts/postgres-for-tests.sh)
// runs the same tests on the shared store: each server gets a new database.
const postgres = process.env.LOYALTY_TEST_PG;
export const storeKind = postgres ? 'postgres' : 'sqlite';

/** A fresh, empty database: a SQLite file in a temporary folder, or a new PostgreSQL database. */
export function freshDb() {
  if (!postgres) return `sqlite:${join(mkdtempSync(join(tmpdir(), 'loyalty-')), 'loyalty.db')}`;
  const name = `loyalty_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const made = spawnSync('psql', [postgres, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`cannot create a test database: ${made.stderr}`);
  return `${postgres.replace(/\/[^/]*$/, '')}/${name}`;
}

/**
 * `binary`: another build of `loyalty` (benchmarks use the release build);
 * `limits`: prlimit options (e.g. `--fsize=N`), set before it starts;
 * `keepLog`: false keeps only the last MiB of its log (long runs).
 */
export async function startServer(args = [], { env = {}, binary = bin, limits = [], keepLog = true } = {}) {
  const withDb = args.includes('--db') ? args : [...args, '--db', freshDb()];
  const command = [binary, 'serve', '--listen', '127.0.0.1:0', ...withDb];
  // prlimit execs the server: the child is the server itself, for signals.
  const [file, ...rest] = limits.length ? ['prlimit', ...limits, ...command] : command;
  const child = spawn(file, rest, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOYALTY_MERCHANT_KEY: merchantKey, LOYALTY_TOKEN_SECRET: tokenSecret, ...env },
  });
  let log = '';
  let listening = false;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening' line from loyalty serve:\n${log}`)), 15000);
    child.stderr.on('data', (chunk) => {
      // The server logs every request: a long run keeps only the last MiB,
      // and the 'listening' line is looked for only until it is found.
      log += chunk;
      if (!keepLog && log.length > 2 * (1 << 20)) log = log.slice(-(1 << 20));
      if (listening) return;
      const match = log.match(/"event":"listening".*?"url":"([^"]+)"/);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`loyalty serve exited with ${code}:\n${log}`)));
  });
  const exited = (signal) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
  return {
    url,
    pid: child.pid,
    log: () => log,
    /** Sends SIGTERM; resolves with the exit code. */
    stop: () => exited('SIGTERM'),
    /** kill -9: no chance to finish anything. */
    kill: () => exited('SIGKILL'),
  };
}

/**
 * A client for one server: JSON in and out, with the answer's raw text. Every
 * exchange is checked against server/openapi.yaml (contract.mjs). Given the
 * server's `log`, a request that gets no answer fails with the log's end.
 */
export function client(url, log) {
  return async function call(method, path, { body, auth, headers = {} } = {}) {
    let res;
    try {
      res = await fetch(`${url}${path.replace(/^\//, '')}`, {
        method,
        headers: { ...(auth ? { Authorization: `Bearer ${auth}` } : {}), 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (error) {
      if (!log) throw error;
      const cause = error.cause?.code ?? error.cause?.message ?? '';
      throw new Error(`${method} ${path}: ${error.message} (${cause}); the server's log ends:\n${log().slice(-4000)}`, { cause: error });
    }
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    const answer = { status: res.status, text, json, headers: res.headers };
    await checkExchange(method, path, body, answer);
    return answer;
  };
}

/** A member token as the server signs it (the tests' secret is known here), valid for an hour. */
export function memberToken(member_id) {
  const payload = `m1.${Buffer.from(member_id).toString('base64url')}.${Date.now() + 3600000}`;
  return `${payload}.${createHmac('sha256', tokenSecret).update(payload).digest('hex')}`;
}

/** `loyalty audit` of `db` (each member under its programme version) exits 0 and finds `members` members, clean. */
export function assertAuditClean(db, members) {
  const audit = spawnSync(bin, ['audit', '--db', db], { cwd: root, encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, new RegExp(`audited ${members} members, \\d+ ledger rows: clean`));
}

/** Joins `member_id` through the merchant API (with `fields`, e.g. an inviter) and logs in with the demo login. */
export async function joinMember(call, member_id, fields = {}) {
  const join = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id, ...fields } });
  assert.equal(join.status, 201, join.text);
  const login = await call('POST', '/v1/demo/login', { body: { member_id } });
  return { member_id, token: login.json.token };
}
