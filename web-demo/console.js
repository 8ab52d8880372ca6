// The operator console: sign-in, the member desk (a member's tier, points,
// tags and ledger; tags and sign-in revocation for customer service) and the
// audit log. Everything goes through the server's API with the session
// cookie; changes carry the session's CSRF token. What an operator may do is
// the server's decision: the page only hides what the role cannot use.
import { init as chart } from './charts.js';
import { consoleWords } from './console-words.js';
import { suggestions } from './json-completion.js';
import { packageFiles } from './package.js';

const languageKey = 'loyalty-console.language';
let language = localStorage.getItem(languageKey) === 'en' ? 'en' : 'zh-CN';
let session = null;  // the server's ConsoleSession, once signed in
let shownMember = null;
let tierNames = {};  // tier id -> { 'zh-CN': ..., en: ... }, from the programme in force, in its order
let boxesInForce = [];  // the programme in force's boxes, for their and their prizes' names
let programmeCurrency = { code: 'CNY', minor_units: 2 };
let programmeInForce = null;  // GET /v1/program's programme, for the desk's core
const charts = {};  // element id -> its ECharts instance

const $ = (selector) => document.querySelector(selector);
const words = () => consoleWords[language];

function applyWords() {
  document.documentElement.lang = language;
  document.title = words().title;
  for (const element of document.querySelectorAll('[data-text]')) element.textContent = words()[element.dataset.text];
  $('#language').textContent = words().language;
  if (session) $('#operator').textContent = words().operator(session.name, session.role);
}

function say(text, isError = false) {
  const message = $('#message');
  message.textContent = text;
  message.classList.toggle('error', isError);
  message.hidden = !text;
}

const refusal = (json) => {
  const error = json?.errors?.[0];
  return words().errors[error?.code] ?? error?.message ?? words().errors['auth.invalid'];
};

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrf_token;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body && JSON.stringify(body) });
  const json = await res.json().catch(() => undefined);
  if (res.status === 401 && session) show(null);  // the session ended: sign in again
  return { ok: res.ok, status: res.status, json };
}

function show(signedIn) {
  session = signedIn;
  document.body.dataset.signedIn = String(Boolean(session));
  $('#sign-in').hidden = Boolean(session);
  for (const id of ['#dashboard', '#desk', '#audit', '#operator', '#sign-out']) $(id).hidden = !session;
  for (const element of document.querySelectorAll('[data-needs]')) {
    element.hidden = !session?.permissions.includes(element.dataset.needs);
  }
  if (!session) {
    $('#member').hidden = true;
    shownMember = null;
    return;
  }
  applyWords();
  refreshAudit();
  refreshDashboard();
  if (session.permissions.includes('draft')) openEditor();
}

const when = (ms) => new Date(ms).toLocaleString(language, { hour12: false });

function cells(row, values) {
  for (const value of values) {
    const cell = document.createElement('td');
    cell.textContent = value;
    row.append(cell);
  }
  return row;
}

// Every ledger row of the member, oldest first (page after page).
async function ledgerOf(memberId) {
  const rows = [];
  for (let after = 0; after !== null;) {
    const page = await api('GET', `/v1/members/${encodeURIComponent(memberId)}/ledger?after=${after}&limit=1000`);
    if (!page.ok) break;
    rows.push(...page.json.ledger);
    after = page.json.next_after;
  }
  return rows;
}

// The core for the version in force, loaded the first time the desk needs
// it: the desk shows a member's progress and tasks as the member sees them.
let deskCore = null;
async function coreInForce() {
  if (!deskCore) {
    const url = await packageFiles();
    const { createLoyaltyCore } = await import(url('loyalty-core.web.mjs'));
    deskCore = createLoyaltyCore({ program: programmeInForce, wasmUrl: url('loyalty-core.wasm') });
  }
  return deskCore;
}

let deskLedger = [];  // the shown member's ledger, oldest first

// The ledger's newest 20 rows of the kind and local dates chosen.
function renderLedger() {
  const kind = $('#ledger-kind').value;
  const from = $('#ledger-from').value;
  const to = $('#ledger-to').value;
  const day = (ms) => new Date(ms).toLocaleDateString('sv');
  const chosen = deskLedger.filter((r) => (!kind || r.kind === kind) && (!from || day(r.at) >= from) && (!to || day(r.at) <= to));
  const kinds = [...new Set(deskLedger.map((r) => r.kind))].sort();
  $('#ledger-kind').replaceChildren(Object.assign(document.createElement('option'), { value: '', textContent: words().allKinds }),
    ...kinds.map((k) => Object.assign(document.createElement('option'), { value: k, textContent: k })));
  $('#ledger-kind').value = kinds.includes(kind) ? kind : '';
  $('#ledger-count').textContent = words().ledgerCount(chosen.length, deskLedger.length);
  // A row's detail: its reason or subject (a tag, a task), else its order or event.
  const detail = (r) => r.subject ?? r.order_id ?? r.event_id;
  $('#ledger tbody').replaceChildren(...chosen.slice(-20).reverse().map((r) =>
    cells(document.createElement('tr'), [when(r.at), r.kind, r.available, r.pending, detail(r)])));
}

for (const id of ['#ledger-kind', '#ledger-from', '#ledger-to']) $(id).addEventListener('change', renderLedger);

// The member's progress to the next tier and its tasks, as the core computes them for the member.
async function renderProgress(state) {
  const w = words();
  const name = (tier) => tierNames[tier]?.[language] ?? tier;
  try {
    const core = await coreInForce();
    const at = Date.now();
    const progress = core.tierProgress({ state, at });
    const need = progress.needs.find((n) => n.missing > 0);
    $('#member-next').textContent = progress.next_tier && need
      ? w.nextTier(name(progress.next_tier), need.missing, w.qualify[need.metric] ?? need.metric) : w.previewTop;
    const tasks = core.taskOverview({ state, at });
    $('#member-red-packet').textContent = new Intl.NumberFormat(language, { style: 'currency', currency: programmeCurrency.code })
      .format(tasks.balances.red_packet / 10 ** programmeCurrency.minor_units);
    $('#member-box-chances').textContent = String(tasks.balances.box_chances);
    $('#member-makeup-cards').textContent = String(tasks.balances.makeup_cards);
    const limited = programmeInForce.tasks?.limited ?? [];
    const rows = [
      ...(tasks.likes ? [[w.likesToday, `${tasks.likes.today} / ${tasks.likes.daily_cap}`, '']] : []),
      ...(tasks.scans ? [[w.scansToday, `${tasks.scans.today} / ${tasks.scans.daily_cap}`, '']] : []),
      ...tasks.limited.map((t) => [limited.find((l) => l.id === t.task)?.name?.[language] ?? t.task, `${t.count} / ${t.target}`, t.done ? w.done : t.ends]),
    ];
    $('#member-tasks tbody').replaceChildren(...rows.map((r) => cells(document.createElement('tr'), r)));
  } catch (e) {
    // A state the version in force cannot read (one written under another version): the desk says why.
    $('#member-next').textContent = `${e.code ?? 'error'}: ${e.message}`;
  }
}

function renderMember(memberId, state, balances, ledger) {
  shownMember = memberId;
  $('#member').hidden = false;
  $('#member').dataset.member = memberId;
  $('#member-tier').textContent = tierNames[state.tier]?.[language] ?? state.tier;
  $('#member-tier').dataset.tier = state.tier;
  $('#member-available').textContent = String(balances.available);
  $('#member-pending').textContent = String(balances.pending);
  $('#member-growth').textContent = String(state.growth);
  const tags = state.tags ?? [];
  $('#member-tags').textContent = tags.length ? tags.join(', ') : words().noTags;
  $('#member-tags').dataset.tags = JSON.stringify(tags);
  // What the member holds: each lot and when it falls due, then the coupons.
  const expiry = (lot) => lot.expires_at ?? Number.MAX_SAFE_INTEGER;
  const lots = [...(state.lots ?? [])].sort((a, b) => expiry(a) - expiry(b));
  $('#lots tbody').replaceChildren(...lots.map((l) => cells(document.createElement('tr'),
    [l.points, when(l.earned_at), l.vests_at ? when(l.vests_at) : '', l.expires_at ? when(l.expires_at) : words().never])));
  $('#coupons tbody').replaceChildren(...(state.tasks?.coupons ?? []).map((c) => cells(document.createElement('tr'),
    [c.coupon, when(c.granted_at), when(c.expires_at)])));
  if (ledger) {
    deskLedger = ledger;
    renderLedger();
  }
  return renderProgress(state);
}

// What an operator types may be a member id or a phone (written any way):
// a phone-like text is looked up as a phone first, then as an id.
const looksLikePhone = (text) => /^\+?[\d\s().-]+$/.test(text) && text.replace(/\D/g, '').length >= 5;

async function findMember(text) {
  let memberId = text;
  if (looksLikePhone(text)) {
    const byPhone = await api('GET', `/v1/members?phone=${encodeURIComponent(text)}`);
    if (byPhone.ok) memberId = byPhone.json.member_id;
  }
  const view = await api('GET', `/v1/members/${encodeURIComponent(memberId)}?state=json`);
  if (!view.ok) {
    $('#member').hidden = true;
    return say(refusal(view.json), true);
  }
  say('');
  renderMember(memberId, view.json.state, view.json.balances, await ledgerOf(memberId));
  showPhone((await api('GET', `/v1/members/${encodeURIComponent(memberId)}/phone`)).json?.phone_ending);
}

function showPhone(ending) {
  $('#member-phone').textContent = ending ? words().phoneEnding(ending) : words().noPhone;
  $('#member-phone').dataset.ending = ending ?? '';
}

async function setPhone(phone) {
  const answer = await api('PUT', `/v1/members/${encodeURIComponent(shownMember)}/phone`, { phone });
  if (!answer.ok) return say(refusal(answer.json), true);
  showPhone(answer.json.phone_ending);
  say(phone === null ? words().phoneCleared : words().phoneSet(answer.json.phone_ending));
  refreshAudit();
}

// A bar chart of `values` by `labels`; its numbers also on the element, for tests and screen readers.
function bars(id, labels, values, name) {
  groupedBars(id, labels, [{ name, values }]);
}

// Bars of several series side by side (the version in force, the draft); the
// element's data-values holds each series' numbers by label.
function groupedBars(id, labels, series) {
  const element = $(`#${id}`);
  const byLabel = (values) => Object.fromEntries(labels.map((label, i) => [label, values[i]]));
  element.dataset.values = JSON.stringify(series.length === 1 ? byLabel(series[0].values)
    : Object.fromEntries(series.map((s) => [s.name, byLabel(s.values)])));
  element.setAttribute('aria-label', series.map((s) =>
    `${series.length > 1 ? `${s.name}: ` : ''}${labels.map((label, i) => `${label}: ${s.values[i]}`).join(', ')}`).join('; '));
  charts[id] ??= chart(element);
  const colors = ['#9a3c0e', '#3b6fb6'];
  charts[id].setOption({
    animation: false,  // an operator reads the numbers; a screenshot shows them whole
    grid: { left: 56, right: 16, top: series.length > 1 ? 32 : 16, bottom: 48 },
    tooltip: { trigger: 'axis' },
    ...(series.length > 1 ? { legend: { top: 0 } } : {}),
    // Every label shown: slanted where they would not fit side by side (a phone).
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: element.clientWidth / labels.length < 72 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s, i) => ({ type: 'bar', name: s.name, data: s.values, itemStyle: { color: colors[i % colors.length] } })),
  }, true);
}

const isoToday = () => new Date().toLocaleDateString('sv');  // YYYY-MM-DD, the browser's day

// What the operators watch: the liability now, this month's points, tiers,
// lifecycle stages, experiment variants and the mall's stock.
async function refreshDashboard() {
  const [liability, mall, boxes] = await Promise.all([
    api('GET', '/v1/reports/liability'),
    api('GET', '/v1/mall'),
    api('GET', '/v1/boxes/stock'),
  ]);
  // This month as the programme's local day has it (the server's date), not the browser's.
  const today = mall.json?.date ?? isoToday();
  const month = await api('GET', `/v1/reports/activity?from=${today.slice(0, 8)}01&to=${today}`);
  const w = words();
  if (liability.ok) {
    const r = liability.json;
    const { code, minor_units: units } = r.program.currency;
    $('#outstanding').textContent = String(r.outstanding_points);
    $('#liability').textContent = new Intl.NumberFormat(language, { style: 'currency', currency: code, minimumFractionDigits: units })
      .format(r.liability_minor / 10 ** units);
    $('#members-total').textContent = String(r.members);
    bars('chart-expiring', r.expiring_by_month.map((m) => m.month), r.expiring_by_month.map((m) => m.points), w.pointsAxis);
    const tiers = Object.keys(tierNames).filter((t) => t in r.by_tier);
    bars('chart-tiers', tiers.map((t) => tierNames[t]?.[language] ?? t), tiers.map((t) => r.by_tier[t].members), w.membersAxis);
    const stages = ['new', 'active', 'silent', 'sleeping', 'lost'];
    bars('chart-stages', stages.map((s) => w.stages[s]), stages.map((s) => r.by_stage[s]?.members ?? 0), w.membersAxis);
  }
  if (month.ok) {
    const f = month.json.figures;
    const shown = ['issued', 'redeemed', 'expired', 'clawed_back', 'returned'];
    bars('chart-month', shown.map((k) => w.figures[k]), shown.map((k) => f[k]), w.pointsAxis);
    const variants = Object.entries(month.json.variants ?? {});
    $('#variants').hidden = variants.length === 0;
    $('#variants tbody').replaceChildren(...variants.map(([id, v]) =>
      cells(document.createElement('tr'), [id, v.members_with_rows, v.issued, v.redeemed, v.expired])));
  }
  if (mall.ok) {
    const left = (n) => (n === undefined ? w.unlimited : String(n));
    $('#stock tbody').replaceChildren(...Object.entries(mall.json.stock).map(([item, s]) =>
      cells(document.createElement('tr'), [item, left(s.left), left(s.left_today)])));
  }
  if (boxes.ok) {
    // Each prize given and left, then each budget's use today (red packets in money).
    const rows = [];
    for (const [id, box] of Object.entries(boxes.json.boxes)) {
      const held = boxesInForce.find((b) => b.id === id);
      const boxName = held?.name?.[language] ?? id;
      for (const [prize, p] of Object.entries(box.prizes)) {
        const prizeName = held?.prizes.find((x) => x.id === prize)?.name?.[language] ?? prize;
        rows.push([boxName, prizeName, String(p.given), p.left === undefined ? w.unlimited : String(p.left)]);
      }
      const units = programmeCurrency.minor_units;
      const amount = (kind, n) => (kind === 'red_packet' ? (n / 10 ** units).toFixed(units) : String(n));
      for (const [kind, b] of Object.entries(box.budget)) {
        if (b.left_today === undefined && b.used_today === 0) continue;  // no limit and nothing spent
        rows.push([boxName, w.budgetToday[kind], amount(kind, b.used_today), b.left_today === undefined ? w.unlimited : amount(kind, b.left_today)]);
      }
    }
    $('#box-stock tbody').replaceChildren(...rows.map((r) => cells(document.createElement('tr'), r)));
  }
  document.body.dataset.dashboard = 'ready';
}

// The programme editor: a draft of the next version, kept in this browser,
// checked by the core in the page on every change (each error shown at its
// field), previewed against the version in force, and published with the
// moment it takes effect (the publisher's role).
const editor = { published: null, draft: null, core: null, draftCore: null, checkTimer: 0, member: null, simulated: null, saved: null, cart: null, schema: null, report: null };
const draftKey = () => `loyalty-console.draft.${session.name}`;

async function openEditor() {
  const [current, url, schema] = await Promise.all([api('GET', '/v1/program'), packageFiles(),
    fetch('/v1/schemas/program.schema.json').then((r) => r.json())]);
  editor.schema = schema;
  if (!current.ok) return;
  const { createLoyaltyCore } = await import(url('loyalty-core.web.mjs'));
  const createCore = (program) => createLoyaltyCore({ program, wasmUrl: url('loyalty-core.wasm') });
  editor.published = current.json;
  // One core for the version in force, one the draft is loaded into at each check.
  [editor.core, editor.draftCore] = await Promise.all([createCore(current.json.program), createCore(current.json.program)]);
  // The working copy this browser kept (and the server draft it was opened from), if it was made on this version.
  const kept = JSON.parse(localStorage.getItem(draftKey()) ?? 'null');
  const keptIsCurrent = kept?.base === current.json.version;
  editor.draft = keptIsCurrent ? kept.program : { ...structuredClone(current.json.program), version: current.json.program.version + 1 };
  editor.saved = keptIsCurrent ? kept.saved ?? null : null;
  $('#drafts input[name="name"]').value = editor.saved?.name ?? `v${current.json.version + 1}`;
  refreshDrafts(editor.saved?.name);
  showPublished();
  const soon = new Date(Date.now() + 60000);
  $('#publish input[name="at"]').value = new Date(soon - soon.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
  editor.cart ??= categoriesOf(current.json.program).map((c) => ({ category: c.id, price: 10000, quantity: 1 }));
  renderForms();
  renderCart();
  $('#draft').value = JSON.stringify(editor.draft, null, 2);
  checkDraft();
}

// The version in force, and since when.
function showPublished() {
  const { effective_at: at, version } = editor.published;
  $('#published').textContent = words().publishedAs(version, at ? when(at) : words().fromStart);
}

// The draft's numbers as form fields where a form fits: tier thresholds,
// earning rates and multipliers, treasure boxes, the points mall and the
// tasks' rewards and caps. Each
// field edits the draft at its JSON path (so the core's errors land on it);
// only what the draft has is shown; anything else is edited as JSON.
const pathKeys = (path) => path.split(/[.[\]]/).filter(Boolean);
const valueAt = (object, path) => pathKeys(path).reduce((o, k) => o?.[k], object);
function setValueAt(object, path, value) {
  const keys = pathKeys(path);
  keys.slice(0, -1).reduce((o, k) => o[k], object)[keys.at(-1)] = value;
}

function numberField(path, text) {
  const label = document.createElement('label');
  const name = Object.assign(document.createElement('span'), { textContent: text });
  const input = Object.assign(document.createElement('input'), { type: 'number', step: 1, value: valueAt(editor.draft, path) });
  input.dataset.path = path;
  const problem = Object.assign(document.createElement('span'), { className: 'field-problem', hidden: true });
  label.append(name, input, problem);
  input.addEventListener('input', () => {
    setValueAt(editor.draft, path, input.value === '' ? null : Number(input.value));
    $('#draft').value = JSON.stringify(editor.draft, null, 2);
    checkDraft();
  });
  return label;
}

// [path, label] for each number the draft has among `candidates` ([suffix, label] under `base`).
const present = (base, candidates) => candidates
  .filter(([suffix]) => typeof valueAt(editor.draft, `${base}${suffix}`) === 'number')
  .map(([suffix, text]) => [`${base}${suffix}`, text]);

function renderForms() {
  const w = words();
  const f = w.fields;
  const named = (thing) => thing?.name?.[language] ?? thing?.id;
  const list = (value) => (Array.isArray(value) ? value : []);
  const tiers = list(editor.draft.tiers).flatMap((tier, i) => ['qualify', 'retain'].flatMap((side) =>
    Object.keys(tier?.[side] ?? {}).map((metric) => [`tiers[${i}].${side}.${metric}`,
      `${named(tier)} · ${w.sides[side]} · ${w.qualify[metric] ?? metric}`])));
  const earning = [
    ...present('earning', [['.points.earn', f.pointsEarn], ['.points.per_minor', f.pointsPer], ['.growth.earn', f.growthEarn],
      ['.growth.per_minor', f.growthPer]]),
    ...list(editor.draft.earning?.categories).flatMap((c, i) =>
      present(`earning.categories[${i}]`, [['.multiplier_bp', f.multiplierBp]]).map(([path, text]) => [path, `${named(c)} · ${text}`])),
    ...list(editor.draft.tiers).flatMap((tier, i) =>
      present(`tiers[${i}]`, [['.points_multiplier_bp', f.multiplierBp]]).map(([path, text]) => [path, `${named(tier)} · ${text}`])),
  ];
  const boxes = list(editor.draft.tasks?.boxes).flatMap((box, i) => [
    ...present(`tasks.boxes[${i}]`, [['.cost.points', f.costPoints], ['.cost.chances', f.costChances], ['.free_per_day', f.freePerDay]])
      .map(([path, text]) => [path, `${named(box)} · ${text}`]),
    ...list(box?.prizes).flatMap((prize, j) => present(`tasks.boxes[${i}].prizes[${j}]`, [['.weight', f.weight], ['.stock', f.stock]])
      .map(([path, text]) => [path, `${named(box)} · ${named(prize)} · ${text}`])),
  ]);
  const mall = list(editor.draft.mall?.items).flatMap((item, i) => present(`mall.items[${i}]`, [
    ['.points', f.points], ['.cash', f.cash], ['.stock', f.stock], ['.daily_stock', f.dailyStock],
    ['.limits.per_day', f.perDay], ['.limits.per_month', f.perMonth], ['.limits.total', f.total],
  ]).map(([path, text]) => [path, `${named(item)} · ${text}`]));
  const tasks = [
    ...present('tasks', [['.daily_points_cap', f.dailyPointsCap], ['.checkin.default_reward.points', f.checkinDefault],
      ['.likes.reward.points', f.likePoints], ['.likes.daily_cap', f.likeCap], ['.scans.reward.points', f.scanPoints],
      ['.scans.daily_cap', f.scanCap], ['.referral.inviter_reward.points', f.inviterPoints],
      ['.referral.invitee_reward.points', f.inviteePoints], ['.referral.max_rewarded', f.maxReferrals]]),
    ...list(editor.draft.tasks?.checkin?.rewards).flatMap((r, k) =>
      present(`tasks.checkin.rewards[${k}]`, [['.reward.points', f.checkinDay(r?.day)]])),
  ];
  for (const [id, fields] of [['#thresholds', tiers], ['#earning-fields', earning], ['#box-fields', boxes], ['#mall-fields', mall], ['#task-fields', tasks]]) {
    $(id).replaceChildren(...fields.map(([path, text]) => numberField(path, text)));
    $(id).closest('.field-group').hidden = fields.length === 0;
  }
}

function checkDraft() {
  clearTimeout(editor.checkTimer);
  editor.checkTimer = setTimeout(runCheck, 150);
}

async function runCheck() {
  localStorage.setItem(draftKey(), JSON.stringify({ base: editor.published.version, program: editor.draft, saved: editor.saved }));
  for (const input of document.querySelectorAll('#editor .fields input')) {
    input.removeAttribute('aria-invalid');
    input.nextElementSibling.hidden = true;
  }
  const checked = editor.core.checkProgram(editor.draft);
  const problems = checked.ok ? [] : checked.errors;
  for (const p of problems) {
    const input = document.querySelector(`#editor .fields input[data-path="${CSS.escape(p.path)}"]`);
    if (!input) continue;
    input.setAttribute('aria-invalid', 'true');
    Object.assign(input.nextElementSibling, { hidden: false, textContent: p.message });
  }
  showProblems(problems);
  $('#changes').replaceChildren(...changedPaths(editor.published.program, editor.draft).map((line) =>
    Object.assign(document.createElement('li'), { textContent: line })));
  if (!$('#changes').children.length) $('#changes').append(Object.assign(document.createElement('li'), { textContent: words().noChanges }));
  $('#publish button').disabled = problems.length > 0;
  $('#simulate button').disabled = problems.length > 0;
  $('#simulation-stale').hidden = !editor.simulated || editor.simulated === JSON.stringify(editor.draft);
  document.body.dataset.draft = problems.length ? 'invalid' : 'valid';
  if (problems.length) {
    // A draft that does not check out previews nothing.
    renderBoxOdds(null);
    for (const cell of document.querySelectorAll('#preview td:nth-child(3)')) cell.textContent = '—';
  } else {
    previewDraft();
  }
}

function showProblems(problems) {
  const list = $('#problems');
  list.classList.toggle('error', problems.length > 0);
  list.replaceChildren(...(problems.length ? problems : [{ message: words().noProblems }]).map((p) =>
    Object.assign(document.createElement('li'), { textContent: p.path ? `${p.path}: ${p.message} [${p.code}]` : p.message })));
}

// "path: before → after" for every value that differs, objects and arrays walked.
function changedPaths(before, after, path = '') {
  if (typeof before === 'object' && before !== null && typeof after === 'object' && after !== null &&
      Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedPaths(before[k], after[k], Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  const text = (v) => (v === undefined ? '—' : JSON.stringify(v));
  return text(before) === text(after) ? [] : [`${path}: ${text(before)} → ${text(after)}`];
}

// A tier progress as the preview shows it: the tier's name and what the next tier lacks.
function standing(progress, program) {
  const need = progress.needs?.find((n) => n.missing > 0);
  return {
    tier: program.tiers.find((t) => t.id === progress.tier)?.name?.[language] ?? progress.tier,
    missing: progress.next_tier && need ? words().previewMissing(need.missing, words().qualify[need.metric] ?? need.metric) : words().previewTop,
  };
}

// The sample cart both versions price: one ¥100 item of each category at
// first, then as the operator makes it (prices in minor units).
const categoriesOf = (program) => program?.earning?.categories ?? [];

function renderCart() {
  const known = [...categoriesOf(editor.draft), ...categoriesOf(editor.published.program)];
  const ids = [...new Set(known.map((c) => c.id))];
  const units = editor.published.program.currency.minor_units;
  $('#cart tbody').replaceChildren(...editor.cart.map((line, i) => {
    const category = document.createElement('select');
    category.append(...ids.map((id) => Object.assign(document.createElement('option'),
      { value: id, textContent: known.find((c) => c.id === id)?.name?.[language] ?? id })));
    category.value = line.category;
    const price = Object.assign(document.createElement('input'), { type: 'number', min: 0, step: 1 / 10 ** units, value: line.price / 10 ** units });
    const quantity = Object.assign(document.createElement('input'), { type: 'number', min: 1, step: 1, value: line.quantity });
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: words().removeLine });
    category.addEventListener('change', () => { line.category = category.value; checkDraft(); });
    price.addEventListener('input', () => { line.price = Math.round(Number(price.value) * 10 ** units); checkDraft(); });
    quantity.addEventListener('input', () => { line.quantity = Math.max(1, Math.trunc(Number(quantity.value))); checkDraft(); });
    remove.addEventListener('click', () => { editor.cart.splice(i, 1); renderCart(); checkDraft(); });
    const row = document.createElement('tr');
    for (const [control, label] of [[category, words().category], [price, words().unitPrice], [quantity, words().quantity], [remove]]) {
      if (label) control.setAttribute('aria-label', label);
      const cell = document.createElement('td');
      cell.append(control);
      row.append(cell);
    }
    return row;
  }));
}

$('#add-line').addEventListener('click', () => {
  const first = categoriesOf(editor.draft)[0] ?? categoriesOf(editor.published.program)[0];
  editor.cart.push({ category: first?.id ?? '', price: 10000, quantity: 1 });
  renderCart();
  checkDraft();
});

// Each box's prizes: the chance of each per draw, as the core draws (its
// boxOdds), and what a draw gives on average, under the version in force and
// the draft (`draftCore`; null while the draft does not check out).
function renderBoxOdds(draftCore) {
  const boxesOf = (program) => program?.tasks?.boxes ?? [];
  const before = boxesOf(editor.published.program);
  const after = draftCore ? boxesOf(editor.draft) : [];
  const ids = [...new Set([...before, ...after].map((b) => b.id))];
  $('#boxes').hidden = ids.length === 0;
  const { code, minor_units: units } = editor.published.program.currency;
  const money = (minor) => new Intl.NumberFormat(language, { style: 'currency', currency: code, maximumFractionDigits: units }).format(minor / 10 ** units);
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  const oddsOf = (core, boxes, id) => (boxes.some((b) => b.id === id) ? core.boxOdds({ box: id }) : null);
  const chance = (odds, prizeId) => {
    const prize = odds?.prizes.find((p) => p.prize === prizeId);
    return prize ? percent.format(prize.per_million / 1e6) : '—';
  };
  const average = (odds) => {
    if (!odds) return '—';
    const mean = (field) => odds.prizes.reduce((sum, p) => sum + p.per_million * (p.reward?.[field] ?? 0), 0) / 1e6;
    return words().perDrawValue(Math.round(mean('points') * 10) / 10, money(Math.round(mean('red_packet'))));
  };
  const rows = [];
  for (const id of ids) {
    const [old, now] = [oddsOf(editor.core, before, id), draftCore && oddsOf(draftCore, after, id)];
    const box = after.find((b) => b.id === id) ?? before.find((b) => b.id === id);
    const heading = document.createElement('tr');
    heading.append(Object.assign(document.createElement('th'), { colSpan: 3, scope: 'colgroup',
      textContent: `${box.name?.[language] ?? id} · ${words().boxCost(box.cost?.points ?? 0, box.cost?.chances ?? 0)}` }));
    rows.push(heading);
    const prizes = [...new Map([...before, ...after].filter((b) => b.id === id).flatMap((b) => b.prizes).map((p) => [p.id, p])).values()];
    for (const prize of prizes) {
      const row = cells(document.createElement('tr'), [prize.name?.[language] ?? prize.id, chance(old, prize.id), chance(now, prize.id)]);
      row.dataset.prize = `${id}/${prize.id}`;
      rows.push(row);
    }
    const row = cells(document.createElement('tr'), [words().perDraw, average(old), average(now)]);
    row.dataset.prize = `${id}/average`;
    rows.push(row);
  }
  $('#box-odds tbody').replaceChildren(...rows);
}

// A new member's next order (the sample cart) under both versions.
function previewDraft() {
  const draftCore = editor.draftCore;
  draftCore.loadProgram(editor.draft);
  renderBoxOdds(draftCore);
  const at = Date.now();
  const cart = { lines: editor.cart.map((l, i) => ({ sku: `sample-${i}`, category: l.category, unit_price: l.price, quantity: l.quantity })) };
  const state = { member_id: 'preview', joined_at: at };
  // A cart a version cannot price (a category it drops) says why in its column.
  const describe = (core, program) => {
    try {
      const p = core.previewOrder({ state, cart, at });
      return { points: String(p.points), ...standing(p.progress_after, program) };
    } catch (e) {
      return { points: `${e.code ?? 'error'}: ${e.message}`, tier: '', missing: '' };
    }
  };
  const before = describe(editor.core, editor.published.program);
  const now = describe(draftCore, editor.draft);
  const rows = [[words().previewPoints, 'points'], [words().previewTier, 'tier'], ['', 'missing']];
  // A member from the store, as each version would rank it today (an error
  // if the draft cannot read its state, e.g. a tier it drops unmapped).
  if (editor.member) {
    const { spend } = editor.member;
    const id = spend === undefined ? editor.member.id : words().madeUp(editor.member.spendText);
    // A made-up member has joined and spent `spend` (minor units) in one order, under each version's own rules.
    const stateFor = (core, program) => (spend === undefined ? editor.member.state : core.apply({
      state: { member_id: 'made-up', joined_at: at },
      event: { id: 'made-up-order', type: 'order', at, order_id: 'made-up-order',
        lines: [{ sku: 'made-up', category: categoriesOf(program)[0]?.id, unit_price: spend, quantity: 1 }] },
    }).state);
    const rank = (core, program, into) => {
      try {
        const { tier, missing } = standing(core.tierProgress({ state: stateFor(core, program), at }), program);
        into.memberTier = tier;
        into.memberNeeds = missing;
      } catch (e) {
        into.memberTier = `${e.code ?? 'error'}: ${e.message}`;
        into.memberNeeds = '';
      }
    };
    rank(editor.core, editor.published.program, before);
    rank(draftCore, editor.draft, now);
    rows.push([words().memberTierNow(id), 'memberTier'], [words().memberNeeds(id), 'memberNeeds']);
  }
  $('#preview tbody').replaceChildren(...rows.map(([label, key]) => {
    const row = cells(document.createElement('tr'), [label, before[key], now[key]]);
    row.dataset.row = key;
    return row;
  }));
}

// Drafts kept on the server: saved over the revision this page opened (a
// save over someone else's newer one is refused), opened, deleted.
async function refreshDrafts(selected = $('#saved-drafts').value) {
  const list = await api('GET', '/v1/program/drafts');
  if (!list.ok) return;
  const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
  $('#saved-drafts').replaceChildren(option('', words().chooseDraft),
    ...list.json.drafts.map((d) => option(d.name, words().draftOption(d, when(d.saved_at)))));
  $('#saved-drafts').value = list.json.drafts.some((d) => d.name === selected) ? selected : '';
}

const draftPath = (name) => `/v1/program/drafts/${encodeURIComponent(name)}`;

async function saveDraft(name) {
  const revision = editor.saved?.name === name ? editor.saved.revision : 0;
  const answer = await api('PUT', draftPath(name), { program: editor.draft, revision, base_version: editor.published.version });
  if (!answer.ok) return say(refusal(answer.json), true);
  editor.saved = { name, revision: answer.json.revision };
  localStorage.setItem(draftKey(), JSON.stringify({ base: editor.published.version, program: editor.draft, saved: editor.saved }));
  say(words().draftSaved(name, answer.json.revision));
  await refreshDrafts(name);
  refreshAudit();
}

async function openDraft(name) {
  const answer = await api('GET', draftPath(name));
  if (!answer.ok) return say(refusal(answer.json), true);
  const { program, revision, base_version: base } = answer.json;
  editor.draft = program;
  editor.saved = { name, revision };
  $('#drafts input[name="name"]').value = name;
  say(base === editor.published.version ? words().draftOpened(name, revision) : words().draftOnOlder(name, base, editor.published.version));
  renderForms();
  $('#draft').value = JSON.stringify(editor.draft, null, 2);
  checkDraft();
}

async function deleteDraft(name) {
  const answer = await api('DELETE', draftPath(name));
  if (!answer.ok) return say(refusal(answer.json), true);
  if (editor.saved?.name === name) editor.saved = null;
  say(words().draftDeleted(name));
  await refreshDrafts();
  refreshAudit();
}

$('#drafts').addEventListener('submit', (event) => {
  event.preventDefault();
  saveDraft(new FormData(event.target).get('name').trim());
});
$('#open-draft').addEventListener('click', () => $('#saved-drafts').value && openDraft($('#saved-drafts').value));
$('#delete-draft').addEventListener('click', () => $('#saved-drafts').value && deleteDraft($('#saved-drafts').value));

// The draft replayed by the server over members' logged events, beside the
// version in force: totals, the last twelve months, and who moves tier.
async function simulateDraft(members) {
  const button = $('#simulate button');
  button.disabled = true;
  button.textContent = words().simulating;
  const draftText = JSON.stringify(editor.draft);
  const answer = await api('POST', '/v1/program/simulation', { program: editor.draft, members });
  button.disabled = false;
  button.textContent = words().simulate;
  if (!answer.ok) return say(refusal(answer.json), true);
  say('');
  editor.simulated = draftText;
  editor.report = answer.json;
  renderSimulation(answer.json);
}

function renderSimulation(report) {
  const w = words();
  const [current, draft] = [report.programmes.current, report.programmes.candidate];
  const { code, minor_units: units } = current.currency;
  const money = (minor) => new Intl.NumberFormat(language, { style: 'currency', currency: code, minimumFractionDigits: units }).format(minor / 10 ** units);
  const signed = (n, format = String) => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : '0');
  const rows = [
    ['issued', current.total.issued, draft.total.issued],
    ['redeemed', current.total.redeemed, draft.total.redeemed],
    ['expired', current.total.expired, draft.total.expired],
    ['outstanding_points', current.outstanding_points, draft.outstanding_points],
    ['liability', current.liability_minor, draft.liability_minor, money],
    ['breakage', current.breakage_per_mille, draft.breakage_per_mille],
  ].map(([key, before, after, format = String]) => {
    const row = cells(document.createElement('tr'), [w.simRows[key], format(before), format(after), signed(after - before, format)]);
    row.dataset.row = key;
    return row;
  });
  for (const key of ['upgraded', 'downgraded']) {
    const row = cells(document.createElement('tr'), [w.simRows[key], '—', String(report.tier_changes[key]), '']);
    row.dataset.row = key;
    rows.push(row);
  }
  $('#simulation-totals tbody').replaceChildren(...rows);
  $('#simulation-sample').textContent = w.simulationSample(report.sample, report.events);
  const months = report.months.slice(-12);
  const labels = months.map((m) => m.month);
  const sides = (figure) => [
    { name: w.publishedColumn, values: months.map((m) => m.current[figure]) },
    { name: w.draftColumn, values: months.map((m) => m.candidate[figure]) },
  ];
  $('#simulation').hidden = false;
  $('#simulation-stale').hidden = true;
  groupedBars('chart-sim-issued', labels, sides('issued'));
  groupedBars('chart-sim-outstanding', labels, sides('outstanding'));
  const tierName = (id) => editor.draft.tiers.find((t) => t.id === id)?.name?.[language] ?? tierNames[id]?.[language] ?? id;
  const moves = Object.entries(report.tier_moves).sort((a, b) => b[1] - a[1]);
  $('#tier-moves tbody').replaceChildren(...moves.map(([move, count]) => cells(document.createElement('tr'),
    [move.split(' -> ').map(tierName).join(' → '), String(count)])));
  document.body.dataset.simulation = 'ready';
}

$('#simulate').addEventListener('submit', (event) => {
  event.preventDefault();
  simulateDraft(Number(new FormData(event.target).get('members')));
});

$('#sample').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const id = form.get('member').trim();
  const spend = form.get('spend').trim();
  if (!id && spend !== '') {
    const minor = Math.round(Number(spend) * 10 ** editor.published.program.currency.minor_units);
    editor.member = { spend: minor, spendText: spend };
    return checkDraft();
  }
  if (!id) {
    editor.member = null;
    return checkDraft();
  }
  const view = await api('GET', `/v1/members/${encodeURIComponent(id)}?state=json`);
  if (!view.ok) return say(refusal(view.json), true);
  say('');
  editor.member = { id, state: view.json.state };
  checkDraft();
});

// The programme format's keys and values at the caret, as buttons that insert them.
function showCompletions() {
  const area = $('#draft');
  if (!editor.schema) return;
  const items = suggestions(editor.schema, area.value, area.selectionStart).slice(0, 40);
  $('#completions').replaceChildren(...items.map((item) => {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: item.label, title: item.detail });
    button.dataset.insert = item.insert;
    button.addEventListener('click', () => {
      const at = area.selectionStart;
      area.setRangeText(item.insert, at, area.selectionEnd, 'end');
      area.focus();
      area.dispatchEvent(new Event('input'));
    });
    const entry = document.createElement('li');
    entry.append(button);
    return entry;
  }));
}
for (const type of ['keyup', 'click', 'focus']) $('#draft').addEventListener(type, showCompletions);

$('#draft').addEventListener('input', (event) => {
  showCompletions();
  try {
    editor.draft = JSON.parse(event.target.value);
  } catch (e) {
    showProblems([{ code: 'json.syntax', message: e.message, path: '' }]);
    renderBoxOdds(null);
    for (const cell of document.querySelectorAll('#preview td:nth-child(3)')) cell.textContent = '—';
    document.body.dataset.draft = 'invalid';
    $('#publish button').disabled = true;
    $('#simulate button').disabled = true;
    return;
  }
  renderForms();
  checkDraft();
});

$('#publish').addEventListener('submit', async (event) => {
  event.preventDefault();
  const effective_at = new Date(event.target.elements.at.value).getTime();
  const answer = await api('POST', '/v1/program', { program: editor.draft, effective_at });
  if (!answer.ok) return say(refusal(answer.json), true);
  say(words().published(answer.json.version));
  localStorage.removeItem(draftKey());
  // A saved draft, once published, is done with: it leaves the list (an audit row says so).
  if (editor.saved) {
    await api('DELETE', draftPath(editor.saved.name));
    editor.saved = null;
    refreshDrafts();
  }
  refreshAudit();
});

async function refreshAudit() {
  const rows = [];
  for (let after = 0; ;) {
    const page = await api('GET', `/v1/console/audit?after=${after}&limit=1000`);
    if (!page.ok) return;
    rows.push(...page.json.rows);
    if (page.json.rows.length < 1000) break;
    after = page.json.rows.at(-1).seq;
  }
  const change = (r) => [r.before, r.after].every((v) => v === null) ? '' : `${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`;
  $('#audit tbody').replaceChildren(...rows.slice(-50).reverse().map((r) => {
    const row = cells(document.createElement('tr'), [when(r.at), r.operator, words().actions[r.action] ?? r.action, r.target, change(r)]);
    row.dataset.action = r.action;
    return row;
  }));
}

$('#sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await api('POST', '/v1/console/sign-in', { name: form.get('name'), password: form.get('password') });
  event.target.elements.password.value = '';
  if (!answer.ok) return say(refusal(answer.json), true);
  say('');
  show(answer.json);
});

$('#sign-out').addEventListener('click', async () => {
  await api('POST', '/v1/console/sign-out');
  say('');
  show(null);
});

$('#find').addEventListener('submit', (event) => {
  event.preventDefault();
  findMember(new FormData(event.target).get('member').trim());
});

$('#phone').addEventListener('submit', (event) => {
  event.preventDefault();
  setPhone(event.target.elements.phone.value.trim());
});
$('#clear-phone').addEventListener('click', () => setPhone(null));

$('#tag').addEventListener('submit', async (event) => {
  event.preventDefault();
  const tag = event.target.elements.tag.value.trim();
  const change = event.submitter?.value === 'remove' ? { remove: [tag] } : { add: [tag] };
  const id = `console-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const answer = await api('POST', '/v1/tags', { member_id: shownMember, id, ...change });
  const result = answer.json?.results?.[0];
  if (!answer.ok || result?.result === 'rejected') {
    say(refusal(answer.ok ? result : answer.json), true);
    return refreshAudit();
  }
  say(words().tagged);
  renderMember(shownMember, answer.json.state, answer.json.balances, await ledgerOf(shownMember));
  refreshAudit();
});

$('#adjust').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target.elements;
  const id = `console-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const answer = await api('POST', '/v1/adjustments', {
    member_id: shownMember, id, points: Number(form.points.value), growth: Number(form.growth.value), reason: form.reason.value.trim(),
  });
  const result = answer.json?.results?.[0];
  if (!answer.ok || result?.result === 'rejected') {
    say(refusal(answer.ok ? result : answer.json), true);
    return refreshAudit();
  }
  say(words().adjusted);
  event.target.reset();
  renderMember(shownMember, answer.json.state, answer.json.balances, await ledgerOf(shownMember));
  refreshAudit();
  refreshDashboard();
});

$('#revoke').addEventListener('click', async () => {
  const answer = await api('POST', `/v1/members/${encodeURIComponent(shownMember)}/tokens/revoke`);
  if (!answer.ok) return say(refusal(answer.json), true);
  say(words().revoked(answer.json.token_epoch));
  refreshAudit();
});

$('#refresh').addEventListener('click', () => refreshDashboard());

$('#language').addEventListener('click', () => {
  language = language === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem(languageKey, language);
  applyWords();
  if (session) refreshAudit();
  if (session) refreshDashboard();
  if (shownMember) findMember(shownMember);
  // The editor's own words: its fields, the cart, the drafts, the preview, the last simulation.
  if (editor.draft) {
    showPublished();
    renderForms();
    renderCart();
    refreshDrafts();
    if (editor.report) renderSimulation(editor.report);
    checkDraft();
  }
});

applyWords();
const programme = await api('GET', '/v1/program');
if (programme.ok) {
  tierNames = Object.fromEntries(programme.json.program.tiers.map((t) => [t.id, t.name]));
  boxesInForce = programme.json.program.tasks?.boxes ?? [];
  programmeCurrency = programme.json.program.currency;
  programmeInForce = programme.json.program;
}
const current = await api('GET', '/v1/console/session');
show(current.ok ? current.json : null);
document.body.dataset.ready = 'true';
