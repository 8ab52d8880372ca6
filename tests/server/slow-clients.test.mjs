// Slow and half-open clients: connections that send their request a byte at
// a time, or go silent half-way, must not hold every worker thread. The
// server cuts a request that is not in whole within --request-timeout, and
// everyone else keeps being served.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';

import { client, startServer, storeKind } from './loyalty-server.mjs';

const args = ['--program', 'programs/bakery.json', '--request-timeout', '1', '--member-rate', '0', '--ip-rate', '0'];

// A client that never finishes its request: it sends the start of one and
// then one byte every `every` ms (headers or body), and reconnects when cut,
// as an attacker would. Returns stop(), and how many times it was cut.
function dripper(port, { body, every = 200 }) {
  const state = { cuts: 0, stopped: false, socket: null, timer: null };
  const open = () => {
    if (state.stopped) return;
    const socket = connect(port, '127.0.0.1');
    state.socket = socket;
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(body ? 'POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{' : 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
      state.timer = setInterval(() => socket.write(body ? ' ' : 'X'), every);
    });
    socket.on('close', () => {
      clearInterval(state.timer);
      if (!state.stopped) {
        ++state.cuts;
        setTimeout(open, 50);
      }
    });
  };
  open();
  return {
    get cuts() { return state.cuts; },
    stop() {
      state.stopped = true;
      clearInterval(state.timer);
      state.socket?.destroy();
    },
  };
}

test('clients dripping their requests byte by byte are cut, and others are still served', { skip: storeKind === 'postgres' && 'store-independent; run on SQLite' }, async () => {
  const server = await startServer(args);
  const port = Number(new URL(server.url).port);
  const call = client(server.url);
  // More slow clients than the 256 worker threads: half drip headers, half a body.
  const slow = 400;
  const drippers = Array.from({ length: slow }, (_, i) => dripper(port, { body: i % 2 === 1 }));
  // Half-open: connected, then silent.
  const silent = Array.from({ length: 20 }, () => connect(port, '127.0.0.1').on('error', () => {}));
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies = [];
    // Each request on a connection of its own, as a new client among the
    // drippers: a kept-alive one would be closed as idle while others wait
    // for a worker, and a request sent as it closes is lost to the race any
    // keep-alive client has with its server (browsers resend it; fetch does not).
    const fresh = { Connection: 'close' };
    for (let i = 0; i < 10; ++i) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = performance.now();
      const res = await fetch(`${server.url}healthz`, { headers: fresh, signal: AbortSignal.timeout(10000) });
      assert.equal(res.status, 200);
      await res.text();
      latencies.push(performance.now() - started);
      const join = await call('POST', '/v1/members', { auth: 'test-merchant-key', headers: fresh, body: { member_id: `patient-${i}` } });
      assert.equal(join.status, 201, join.text);
    }
    console.log(`# healthy requests among ${slow} dripping clients: ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    const cuts = drippers.reduce((sum, d) => sum + d.cuts, 0);
    assert.ok(cuts >= slow, `every dripping client was cut at least once (${cuts} cuts)`);
    const health = await call('GET', '/healthz', { headers: fresh });
    assert.ok(health.json.connections_cut >= slow, health.text);
    assert.match(server.log(), /"event":"request_timeout"/);
  } finally {
    for (const d of drippers) d.stop();
    for (const s of silent) s.destroy();
    assert.equal(await server.stop(), 0);
  }
});

test('idle keep-alive connections give their workers up when other connections wait', { skip: storeKind === 'postgres' && 'store-independent; run on SQLite' }, async () => {
  const server = await startServer(args);
  const port = Number(new URL(server.url).port);
  // More idle keep-alive connections than the 256 workers: each asks once, then stays open and silent.
  const idle = await Promise.all(Array.from({ length: 300 }, () => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.once('connect', () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      resolve(socket);
    });
  })));
  // A second for the workers to answer, each then waiting on its idle connection.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  try {
    // Without giving idle connections up, this waits behind the 44 still queued
    // until workers' idle connections time out (5 s of keep-alive).
    const started = performance.now();
    const res = await fetch(`${server.url}healthz`, { signal: AbortSignal.timeout(20000) });
    assert.equal(res.status, 200);
    await res.text();
    const waited = performance.now() - started;
    console.log(`# a new connection among 300 idle ones was served in ${waited.toFixed(0)} ms`);
    assert.ok(waited < 2500, `served well before the keep-alive time-out, in ${waited.toFixed(0)} ms`);
  } finally {
    for (const s of idle) s.destroy();
    assert.equal(await server.stop(), 0);
  }
});
