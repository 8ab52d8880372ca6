// The HTTP contract, checked on every exchange the server suites make
// through client(): server/openapi.yaml must document the answer's status
// for the operation, and where it gives a JSON schema the answer's body must
// match it. A request the server accepts (2xx) must match the document's
// request body too: the document may not promise less than the server
// takes. Requests the server refuses, and the events of a batch it rejects
// one by one, are the tests' own bad input.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';
import yaml from 'js-yaml';

const documentPath = fileURLToPath(new URL('../../server/openapi.yaml', import.meta.url));

let contract;

/**
 * The document's internal references ("#/components/...", the only kind it
 * uses) replaced by what they name. Not swagger-parser's dereference: it
 * resolves paths as URLs, which fails under the mini-program simulator's
 * browser globals.
 */
function dereferenced(node, doc, named = new Map()) {
  if (Array.isArray(node)) return node.map((item) => dereferenced(item, doc, named));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    // One object per reference, so that a schema used in many places is compiled once.
    if (!named.has(node.$ref)) {
      if (!node.$ref.startsWith('#/')) throw new Error(`contract: only internal references are read, not ${node.$ref}`);
      const target = node.$ref.slice(2).split('/').reduce((at, key) => at?.[key], doc);
      if (target === undefined) throw new Error(`contract: ${node.$ref} names nothing`);
      named.set(node.$ref, dereferenced(target, doc, named));
    }
    return named.get(node.$ref);
  }
  // Examples are not part of the contract (openapi-examples.test.mjs checks them).
  return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'examples')
    .map(([key, value]) => [key, dereferenced(value, doc, named)]));
}

/** The document, dereferenced, with a validator per schema (built once per process). */
function load() {
  if (!contract) {
    const doc = yaml.load(readFileSync(documentPath, 'utf8'));
    contract = {
      doc: dereferenced(doc, doc),
      // OpenAPI 3.0 schemas are JSON Schema with extras: `example` and
      // `description` say nothing to a validator; formats are documentation.
      ajv: new Ajv({ strict: false, allErrors: true, validateFormats: false }),
      compiled: new Map(),
    };
  }
  return contract;
}

/**
 * A schema of the document as JSON Schema: OpenAPI 3.0's `nullable: true` as
 * a type list, and every object that lists its properties closed to others,
 * so that a field one side adds and the document does not name fails. An
 * object documented without properties (a notice, the core's state) stays open.
 */
export function jsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'example' ? value : jsonSchema(value);
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function validator(c, schema) {
  if (!c.compiled.has(schema)) c.compiled.set(schema, c.ajv.compile(jsonSchema(schema)));
  return c.compiled.get(schema);
}

/**
 * Every JSON answer the document promises, in the document's order:
 * `{ operationId, status, raw }` with `raw` the response as written (an
 * inline object or a `$ref` to a shared response). Read from the document as
 * written, for the examples (scripts/openapi-examples.mjs).
 */
export function jsonAnswers(doc) {
  const answers = [];
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      for (const [status, raw] of Object.entries(operation.responses ?? {})) {
        const response = raw.$ref ? raw.$ref.slice(2).split('/').reduce((at, key) => at?.[key], doc) : raw;
        if (response?.content?.['application/json']) answers.push({ operationId: operation.operationId, status, raw });
      }
    }
  }
  return answers;
}

/** The name of an answer's example in components.examples: a shared response's own name, else operation and status. */
export function exampleName(raw, operationId, status) {
  return raw.$ref ? raw.$ref.split('/').pop() : `${operationId}${status}`;
}

/** The document, dereferenced, and a validator of a schema in it (for tests of the document itself). */
export function documentValidator() {
  const c = load();
  return { doc: c.doc, validate: (schema) => validator(c, schema) };
}

/** The operation a request is for, by the document's path templates. */
function operationFor(doc, method, path) {
  const bare = path.split('?')[0].replace(/^\/?/, '/');
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(bare)) return { template, operation: item[method.toLowerCase()] };
  }
  return { template: undefined, operation: undefined };
}

/** A batch's request without the events its answer rejected (results are in the events' order). */
function acceptedPart(body, json) {
  const events = body?.events;
  const results = json?.results;
  if (!Array.isArray(events) || !Array.isArray(results) || events.length !== results.length) return body;
  return { ...body, events: events.filter((_, i) => results[i]?.result !== 'rejected') };
}

function problems(validate) {
  return validate.errors.map((e) => {
    const extra = e.params?.additionalProperty;
    return `${e.instancePath || '(body)'} ${e.message}${extra ? ` (${extra})` : ''}`;
  }).join('; ');
}

// LOYALTY_OPENAPI_EXAMPLES names a folder: the first JSON answer of each
// operation and status is written there when the process ends, for
// scripts/openapi-examples.mjs to put in the document.
const examplesFolder = process.env.LOYALTY_OPENAPI_EXAMPLES;
const recorded = new Map();
if (examplesFolder) {
  process.on('exit', () => {
    mkdirSync(examplesFolder, { recursive: true });
    writeFileSync(join(examplesFolder, `${process.pid}.json`), JSON.stringify(Object.fromEntries(recorded)));
  });
}

function record(operation, status, json) {
  const key = `${operation.operationId} ${status}`;
  if (examplesFolder && json !== undefined && !recorded.has(key)) recorded.set(key, json);
}

/**
 * Throws, naming the operation and what differs, when an exchange breaks the
 * document. `request` is the body as sent (an object, a string or undefined).
 */
export async function checkExchange(method, path, request, { status, json, text, headers }) {
  const c = load();
  const where = `${method} ${path} → ${status}`;
  const { template, operation } = operationFor(c.doc, method, path);
  if (!template) return;  // not part of the API (the demo's files, unknown paths the tests probe)
  if (!operation) {
    if (status === 404 || status === 405) return;  // a method the API does not have, refused
    throw new Error(`contract: ${where}: the document has no ${method} for ${template}`);
  }
  const answer = operation.responses?.[String(status)] ?? operation.responses?.default;
  if (!answer) {
    const documented = Object.keys(operation.responses ?? {}).join(', ');
    throw new Error(`contract: ${where}: status ${status} is not documented for ${method} ${template} (${documented}); body ${text.slice(0, 200)}`);
  }
  for (const [name, header] of Object.entries(answer.headers ?? {})) {
    const value = headers?.get(name) ?? null;
    if (header.required && value === null) throw new Error(`contract: ${where}: the document requires the header ${name}`);
    if (value !== null && header.schema?.type === 'integer' && !/^-?\d+$/.test(value)) {
      throw new Error(`contract: ${where}: the header ${name} must be an integer, not ${value}`);
    }
  }
  const schema = answer.content?.['application/json']?.schema;
  if (schema) {
    if (json === undefined) throw new Error(`contract: ${where}: the document promises JSON, the answer is ${text.slice(0, 200)}`);
    const validate = validator(c, schema);
    if (!validate(json)) throw new Error(`contract: ${where}: the answer does not match the document: ${problems(validate)}`);
    record(operation, status, json);
  }
  const requestSchema = operation.requestBody?.content?.['application/json']?.schema;
  if (requestSchema && status >= 200 && status < 300 && request !== undefined) {
    let body = request;
    if (typeof request === 'string') {
      try { body = JSON.parse(request); } catch { body = undefined; }
    }
    body = acceptedPart(body, json);
    const validate = validator(c, requestSchema);
    if (body !== undefined && !validate(body)) {
      throw new Error(`contract: ${where}: the server accepted a request the document refuses: ${problems(validate)}`);
    }
  }
}
