// The deployment docs/deploy.md describes, run: Debian's nginx with the
// document's own site configuration (its ports, certificate paths and
// upstream put on loopback), TLS with a throwaway self-signed certificate and
// HTTP/2, in front of `loyalty serve` with the storefront; a member checks out
// in Chromium through it; then the online backup is restored into a new
// server and `loyalty audit` passes on it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { assertAuditClean, bin, client, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const dir = mkdtempSync(join(tmpdir(), 'loyalty-deploy-'));
const db = join(dir, 'loyalty.db');
let server;
let nginx;
let browser;
let tls;
let plain;
let memberId;  // who checked out through nginx

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The site as docs/deploy.md writes it, on this machine's loopback: each
// change must find its line, so a document that drifts fails here.
function siteFromDocs(upstreamPort) {
  const doc = readFileSync(join(root, 'docs', 'deploy.md'), 'utf8');
  let site = doc.match(/```nginx\n([\s\S]*?)```/)[1];
  const change = (from, to) => {
    assert.ok(from.test(site), `docs/deploy.md's nginx site has no ${from}`);
    site = site.replace(from, to);
  };
  change(/listen 443 ssl http2;/, `listen 127.0.0.1:${tls} ssl http2;`);
  change(/listen 80;/, `listen 127.0.0.1:${plain};`);
  change(/\n\s*listen \[::\]:443 ssl http2;/, '');
  change(/\n\s*listen \[::\]:80;/, '');
  change(/ssl_certificate\s+\/etc\/ssl\/loyalty\.example\/fullchain\.pem;/, `ssl_certificate ${dir}/cert.pem;`);
  change(/ssl_certificate_key\s+\/etc\/ssl\/loyalty\.example\/privkey\.pem;/, `ssl_certificate_key ${dir}/key.pem;`);
  change(/proxy_pass http:\/\/127\.0\.0\.1:8080;/, `proxy_pass http://127.0.0.1:${upstreamPort};`);
  return site;
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i += 1) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); }).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}:\n${readFileSync(join(dir, 'error.log'), 'utf8')}`);
}

before(async () => {
  [tls, plain] = await Promise.all([freePort(), freePort()]);
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=loyalty.example',
    '-addext', 'subjectAltName=DNS:loyalty.example,IP:127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { encoding: 'utf8' });
  assert.equal(cert.status, 0, cert.stderr);
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'build/web-demo', '--package', 'wasm/dist',
    '--ip-rate', '0', '--db', `sqlite:${db}`]);
  const upstream = new URL(server.url).port;
  // A whole nginx of its own: every path it writes is in the test's folder.
  const conf = [
    ...(process.getuid() === 0 ? ['user root;'] : []),
    'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log;`, 'events {}',
    'http {', '  include /etc/nginx/mime.types;', `  access_log ${dir}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    siteFromDocs(upstream), '}',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const check = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitForPort(tls);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  nginx?.kill('SIGQUIT');
  await server?.stop();
});

test('nginx answers over TLS with HTTP/2 and HSTS, and sends plain HTTP to HTTPS', async () => {
  const session = http2.connect(`https://127.0.0.1:${tls}`, { rejectUnauthorized: false });
  try {
    const answer = await new Promise((resolve, reject) => {
      const req = session.request({ ':path': '/healthz' });
      let headers;
      let body = '';
      req.on('response', (h) => { headers = h; });
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => resolve({ headers, body }));
      req.on('error', reject);
    });
    assert.equal(answer.headers[':status'], 200);
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(answer.headers['strict-transport-security'], 'max-age=31536000');
  } finally {
    session.close();
  }
  const redirect = await fetch(`http://127.0.0.1:${plain}/v1/program`, { redirect: 'manual' });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), `https://127.0.0.1/v1/program`);
});

test('through nginx the storefront loads the compressed, content-hashed core and a member checks out', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const problems = watchProblems(page);
  const wasm = page.waitForResponse((r) => /\/pkg\/loyalty-core\.[0-9a-f]{12}\.wasm$/.test(r.url()));
  await page.goto(`https://127.0.0.1:${tls}/`);
  await page.waitForSelector('body[data-ready="true"]');
  const headers = await (await wasm).allHeaders();
  assert.equal(headers['content-encoding'], 'br', 'the server\'s brotli sibling, passed through');
  assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable', 'the hashed name, kept for a year');
  await page.selectOption('#member', 'me');
  await page.waitForSelector('.balance[data-available="0"]');
  await page.click('.product[data-sku="baguette"] button');
  const points = Number(await page.getAttribute('loyalty-cart-summary .earns', 'data-points'));
  assert.ok(points > 0);
  await page.click('loyalty-account .checkout');
  await page.waitForSelector(`.balance[data-available="${points}"]`);
  memberId = await page.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.account')).memberId);
  const ledger = await client(server.url)('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey });
  assert.deepEqual(ledger.json.ledger.map((row) => [row.kind, row.available]), [['earn', points]]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the online backup, restored into a new server, passes the audit and holds the member', async () => {
  const copy = join(dir, 'backup.db');
  const backup = spawnSync(bin, ['backup', '--db', `sqlite:${db}`, '--to', copy], { cwd: root, encoding: 'utf8' });
  assert.equal(backup.status, 0, backup.stderr);
  assert.match(backup.stdout, /backed up 1 members/);
  assertAuditClean(`sqlite:${copy}`, 1);
  const restored = await startServer(['--program', 'programs/bakery.json', '--db', `sqlite:${copy}`]);
  try {
    const again = await client(restored.url)('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json.ledger.map((row) => row.kind), ['earn']);
  } finally {
    await restored.stop();
  }
});
