// The worker's side (worker-protocol.js has the messages): one core, made
// by the host's createLoyaltyCore on the first request, and the member
// sessions the page opened, by number. A closed session frees the module's
// memory and reopens when asked again, as without a worker; the page says
// when it has let go of one (`forget`). Every failure goes back as the
// LoyaltyError's errors, so the page throws the same error it would without
// a worker.

/**
 * @param {{ onMessage(handler: (event: any) => void): void, postMessage(message: object): void }} endpoint
 * @param {(options: object) => Promise<any>} create  the host's createLoyaltyCore
 */
function serveLoyaltyCore(endpoint, create) {
  let core = null;
  const sessions = new Map();
  let nextSession = 1;
  const session = (n) => {
    const member = sessions.get(n);
    if (!member) throw new LoyaltyError([{ code: 'internal.error', message: `no member session ${n}`, path: '' }]);
    return member;
  };
  const handlers = {
    async create({ options }) {
      core = await create(options);
      return { program: core.program };
    },
    call: ({ method, args }) => core[method](...args.map(fromWire)),
    text: ({ method, text }) => core.text[method](text),
    checkProgram: ({ program }) => core.checkProgram(program),
    loadProgram: ({ program }) => core.loadProgram(program),
    openMembers: () => core.openMembers,
    member({ state }) {
      const n = nextSession;
      sessions.set(n, core.member(fromWire(state)));
      nextSession += 1;
      return n;
    },
    session: ({ session: n, method, args }) => session(n)[method](...args.map(fromWire)),
    state: ({ session: n }) => session(n).state,
    close: ({ session: n }) => session(n).close() || true,
    forget({ session: n }) {
      sessions.delete(n);
      return true;
    },
  };
  endpoint.onMessage(async (event) => {
    const message = messageOf(event);
    if (!message) return;
    const { id, op } = message;
    try {
      if (!handlers[op] || (op !== 'create' && !core)) {
        throw new LoyaltyError([{ code: 'internal.error', message: `no core to answer ${op}`, path: '' }]);
      }
      endpoint.postMessage({ id, ok: true, value: toWire(await handlers[op](message)) });
    } catch (e) {
      const errors = e && e.errors ? e.errors : [{ code: 'internal.error', message: String(e && e.message), path: '' }];
      endpoint.postMessage({ id, ok: false, errors });
    }
  });
}
