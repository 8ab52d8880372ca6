// The page's side of a core in a worker (worker-protocol.js has the
// messages): the same API as createLoyaltyCore's, each call answering a
// promise. `core.program` is held here (it came with the core); a member
// session is opened in the worker and asked by number; a failure rejects
// with the same LoyaltyError the core would throw.

/**
 * @param {{ onMessage(handler: (event: any) => void): void, postMessage(message: object): void, terminate?(): void }} endpoint
 * @param {{ program: object | string }} options  passed to the worker's createLoyaltyCore
 */
function connectLoyaltyCore(endpoint, options) {
  let nextId = 1;
  const waiting = new Map();
  endpoint.onMessage((event) => {
    const message = messageOf(event);
    const pending = message && waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.ok) pending.resolve(fromWire(message.value));
    else pending.reject(new LoyaltyError(message.errors));
  });
  const ask = (op, fields) => new Promise((resolve, reject) => {
    const id = nextId;
    nextId += 1;
    waiting.set(id, { resolve, reject });
    endpoint.postMessage(Object.assign({ id, op }, fields));
  });
  // The worker forgets a session once the page can no longer reach it.
  const forgotten = typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry((session) => { ask('forget', { session }).catch(() => {}); });

  class WorkerMember {
    constructor(session) {
      this.session = session;
    }

    /** The held state, written when asked. */
    get state() {
      return ask('state', { session: this.session });
    }

    /** Frees the module's memory now; asked again, the session reopens. */
    close() {
      return ask('close', { session: this.session });
    }
  }
  for (const method of WORKER_SESSION_METHODS) {
    WorkerMember.prototype[method] = function ask_(...args) {
      return ask('session', { session: this.session, method, args: args.map(toWire) });
    };
  }

  const text = { checkProgram: (program) => ask('text', { method: 'checkProgram', text: program }) };
  const api = {
    program: null,
    /** A member session in the worker: the state (object, JSON text or snapshot bytes) read once. */
    async member(state) {
      const member = new WorkerMember(await ask('member', { state: toWire(state) }));
      if (forgotten) forgotten.register(member, member.session);
      return member;
    },
    checkProgram: (candidate) => ask('checkProgram', { program: candidate }),
    async loadProgram(next) {
      api.program = await ask('loadProgram', { program: next });
      return api.program;
    },
    /** How many member sessions the worker's module holds now. */
    openMembers: () => ask('openMembers', {}),
    /** Ends the worker (where the host can). */
    terminate() {
      if (endpoint.terminate) endpoint.terminate();
    },
    text,
  };
  for (const method of Object.keys(OPERATIONS)) {
    api[method] = (request) => ask('call', { method, args: [request] });
    text[method] = (request) => ask('text', { method, text: request });
  }
  return ask('create', { options }).then(({ program }) => {
    api.program = program;
    return api;
  });
}
