// The messages between a page and a core running in a worker (an Alipay
// mini-program's, where MyWebAssembly exists only in workers; a browser's,
// to keep the main thread free). Requests are { id, op, ... }; answers are
// { id, ok: true, value } or { id, ok: false, errors }. Messages are plain
// JSON values, since some hosts (Alipay) copy them as JSON: bytes (a state
// snapshot) travel as { $bytes: [...] }, and an argument left out as
// { $undefined: true } (JSON would make it null, which the core reads as a
// wrong type rather than a missing field).

// What a member session offers, each a method answering a promise across the worker.
const WORKER_SESSION_METHODS = ['points', 'previewOrder', 'previewListing', 'tierProgress', 'pointsSummary',
  'redemptionPreview', 'lifecycle', 'checkinCalendar', 'taskOverview', 'mallCatalog', 'segments', 'apply', 'applyEvents', 'snapshot'];

function toWire(value) {
  if (value === undefined) return { $undefined: true };
  if (value instanceof Uint8Array) return { $bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(toWire);
  return value;
}

function fromWire(value) {
  if (value !== null && typeof value === 'object' && value.$undefined === true) return undefined;
  if (value !== null && typeof value === 'object' && Array.isArray(value.$bytes)) return new Uint8Array(value.$bytes);
  if (Array.isArray(value)) return value.map(fromWire);
  return value;
}

// A message as the host handed it: the object itself, or one wrapped as { message } (WeChat-style workers),
// or { data } (the browser's MessageEvent).
function messageOf(event) {
  if (event && event.id !== undefined) return event;
  if (event && event.message && event.message.id !== undefined) return event.message;
  if (event && event.data && event.data.id !== undefined) return event.data;
  return null;
}
