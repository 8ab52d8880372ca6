// The operator console: sign-in, the member desk (a member's tier, points,
// tags and ledger; tags and sign-in revocation for customer service) and the
// audit log. Everything goes through the server's API with the session
// cookie; changes carry the session's CSRF token. What an operator may do is
// the server's decision: the page only hides what the role cannot use.
import { init as chart } from './charts.js';
import { consoleWords } from './console-words.js';

const languageKey = 'loyalty-console.language';
let language = localStorage.getItem(languageKey) === 'en' ? 'en' : 'zh-CN';
let session = null;  // the server's ConsoleSession, once signed in
let shownMember = null;
let tierNames = {};  // tier id -> { 'zh-CN': ..., en: ... }, from the programme in force, in its order
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

async function ledgerOf(memberId) {
  const rows = [];
  for (let after = 0; after !== null;) {
    const page = await api('GET', `/v1/members/${encodeURIComponent(memberId)}/ledger?after=${after}&limit=1000`);
    if (!page.ok) break;
    rows.push(...page.json.ledger);
    after = page.json.next_after;
  }
  return rows.slice(-20).reverse();
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
  if (ledger) {
    const body = $('#ledger tbody');
    // A row's detail: its reason or subject (a tag, a task), else its order or event.
    const detail = (r) => r.subject ?? r.order_id ?? r.event_id;
    body.replaceChildren(...ledger.map((r) => cells(document.createElement('tr'), [when(r.at), r.kind, r.available, r.pending, detail(r)])));
  }
}

async function findMember(memberId) {
  const view = await api('GET', `/v1/members/${encodeURIComponent(memberId)}?state=json`);
  if (!view.ok) {
    $('#member').hidden = true;
    return say(refusal(view.json), true);
  }
  say('');
  renderMember(memberId, view.json.state, view.json.balances, await ledgerOf(memberId));
}

// A bar chart of `values` by `labels`; its numbers also on the element, for tests and screen readers.
function bars(id, labels, values, name) {
  const element = $(`#${id}`);
  element.dataset.values = JSON.stringify(Object.fromEntries(labels.map((label, i) => [label, values[i]])));
  element.setAttribute('aria-label', labels.map((label, i) => `${label}: ${values[i]}`).join(', '));
  charts[id] ??= chart(element);
  charts[id].setOption({
    animation: false,  // an operator reads the numbers; a screenshot shows them whole
    grid: { left: 56, right: 16, top: 16, bottom: 48 },
    tooltip: { trigger: 'axis' },
    // Every label shown: slanted where they would not fit side by side (a phone).
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: element.clientWidth / labels.length < 72 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name, data: values, itemStyle: { color: '#9a3c0e' } }],
  }, true);
}

const isoToday = () => new Date().toLocaleDateString('sv');  // YYYY-MM-DD, the browser's day

// What the operators watch: the liability now, this month's points, tiers,
// lifecycle stages, experiment variants and the mall's stock.
async function refreshDashboard() {
  const today = isoToday();
  const [liability, month, mall] = await Promise.all([
    api('GET', '/v1/reports/liability'),
    api('GET', `/v1/reports/activity?from=${today.slice(0, 8)}01&to=${today}`),
    api('GET', '/v1/mall'),
  ]);
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
  document.body.dataset.dashboard = 'ready';
}

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
  renderMember(shownMember, answer.json.state, answer.json.balances);
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
});

applyWords();
const programme = await api('GET', '/v1/program');
if (programme.ok) tierNames = Object.fromEntries(programme.json.program.tiers.map((t) => [t.id, t.name]));
const current = await api('GET', '/v1/console/session');
show(current.ok ? current.json : null);
document.body.dataset.ready = 'true';
