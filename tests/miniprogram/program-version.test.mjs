// A brand publishes new rules while the mini-program is open: the home page
// previews under version 1, the server publishes version 2, the app's next
// sync names it, and the page re-renders under it; the app keeps it for
// its next start. A server of its own, since publishing changes it for all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { client, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { closeView, renderPage, text, until } from './render-page.mjs';
import { createWeChatHost } from './wechat-host.mjs';

// Version 2: Silver merged into Gold, pastry counted as bread.
const bakeryV2 = JSON.parse(readFileSync(`${root}programs/bakery-v2.json`, 'utf8'));

let server;
let host;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo']);
});
after(async () => {
  host?.app.member?.sync.stop();
  closeView();
  await server.stop();
});

test('the home page holding version 1 re-renders under version 2 after the sync that follows its publication', async () => {
  host = createWeChatHost({ server: server.url, storage: { 'loyalty.account': { memberId: 'mp-version' } } });
  const member = await host.launch();
  await until(() => member.sync.version !== null, 'the first answer from the server');
  const home = await renderPage(host, 'pages/home/index');
  await until(() => /升级银卡/.test(text(home, '.goal')), 'version 1: Silver is next');
  assert.equal(member.program.version, 1);

  const published = await client(server.url)('POST', '/v1/program', { auth: merchantKey, body: { program: bakeryV2 } });
  assert.equal(published.status, 201, published.text);

  member.act({ type: 'checkin' });  // the next sync answers program_version 2
  await until(() => /升级金卡/.test(text(home, '.goal')), 'the home page under version 2');
  assert.equal(member.program.version, 2);
  assert.equal(text(home, '.goal'), `再消费 ${member.money(member.ask('tierProgress').spend_needed)} 升级金卡`);
  assert.equal(host.storageValue('loyalty.program').version, 2, 'kept for the next start');
});
