// One `loyalty serve` for a whole test file: started before its tests,
// stopped after them.
import { after, before } from 'node:test';

import { client, startServer } from './loyalty-server.mjs';

/** `call` is a client of the server (usable once the tests run); `url()` its base URL. */
export function serverForFile(args) {
  let server;
  let call;
  before(async () => {
    server = await startServer(args);
    call = client(server.url, server.log);
  });
  after(() => server?.stop());
  return { call: (...request) => call(...request), url: () => server.url };
}
