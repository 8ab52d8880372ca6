// The API's one error type, in every entry: those that run the core, and
// those that only talk to a core in a worker (worker-client.js).

/** The one error type of the API: `code` is stable, `path` points into the input. */
class LoyaltyError extends Error {
  constructor(errors) {
    const first = errors[0] || { code: 'internal', message: 'unknown error', path: '' };
    super(first.path ? `${first.path}: ${first.message}` : first.message);
    this.name = 'LoyaltyError';
    this.code = first.code;
    this.path = first.path;
    /** Every problem found, in input order (a programme may have many). */
    this.errors = errors;
  }
}
