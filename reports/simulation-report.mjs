// One self-contained HTML page from `loyalty simulate`'s JSON: charts of
// points issued, redeemed, expired and outstanding by month and the
// liability, tiers at the end, where points came from, and the tables of
// tier changes and the members most affected; current programme beside the
// candidate. Apache ECharts is inlined, so the page opens anywhere, offline,
// and can be mailed; zh-CN first, English a click away.
//   node reports/simulation-report.mjs REPORT.json [--out report.html] [--lang zh-CN|en]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const input = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const out = option('--out', '');
const lang = option('--lang', 'zh-CN');
if (!input || !['zh-CN', 'en'].includes(lang)) {
  console.error('usage: node reports/simulation-report.mjs REPORT.json [--out report.html] [--lang zh-CN|en]');
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(input, 'utf8'));
} catch (e) {
  console.error(`simulation-report: ${input}: ${e.message}`);
  process.exit(1);
}
if (!Array.isArray(report.months) || !report.programmes?.current) {
  console.error(`simulation-report: ${input} is not a report of loyalty simulate (no months or programmes.current)`);
  process.exit(1);
}

const echarts = readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
// Inline text may not close its script element early.
const inline = (text) => text.replace(/<\/(script)/gi, '<\\/$1');

const page = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loyalty Core</title>
<style>
  :root { font-family: system-ui, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color: #1f2933; }
  body { margin: 0; background: #f5f7fa; }
  header { background: #fff; border-bottom: 1px solid #e4e7eb; padding: 16px 24px; display: flex; gap: 16px;
           align-items: center; justify-content: space-between; flex-wrap: wrap; }
  h1 { font-size: 20px; margin: 0; }
  .meta { color: #616e7c; font-size: 13px; margin-top: 4px; }
  button { font: inherit; padding: 6px 14px; border: 1px solid #cbd2d9; border-radius: 6px; background: #fff; cursor: pointer; }
  main { padding: 16px 24px 32px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); }
  section { background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 16px; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 16px; margin: 0 0 12px; }
  .cards { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); }
  .card { border: 1px solid #e4e7eb; border-radius: 8px; padding: 12px; }
  .card .label { color: #616e7c; font-size: 13px; }
  .card .value { font-size: 20px; font-weight: 600; margin-top: 4px; font-variant-numeric: tabular-nums; }
  .card .delta { font-size: 13px; margin-top: 2px; }
  .up { color: #c81e1e; } .down { color: #057a55; }
  .chart { width: 100%; height: 320px; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e4e7eb; }
  td.n, th.n { text-align: right; }
  .scroll { overflow-x: auto; }
</style>
</head>
<body>
<header>
  <div>
    <h1 id="title"></h1>
    <div class="meta" id="meta"></div>
  </div>
  <button type="button" id="language"></button>
</header>
<main>
  <section class="wide"><h2 data-text="summary"></h2><div class="cards" id="cards"></div></section>
  <section class="wide"><h2 data-text="pointsByMonth"></h2><div class="chart" id="points-chart"></div></section>
  <section><h2 data-text="outstandingByMonth"></h2><div class="chart" id="outstanding-chart"></div></section>
  <section><h2 data-text="tiersAtEnd"></h2><div class="chart" id="tiers-chart"></div></section>
  <section><h2 data-text="issuedByKind"></h2><div class="chart" id="kinds-chart"></div></section>
  <section><h2 data-text="redeemedByKind"></h2><div class="chart" id="redeemed-chart"></div></section>
  <section class="wide"><h2 data-text="byVariant"></h2><div class="scroll" id="variants"></div></section>
  <section><h2 data-text="tierChanges"></h2><div class="scroll" id="moves"></div></section>
  <section class="wide"><h2 data-text="mostAffected"></h2><div class="scroll" id="affected"></div></section>
</main>
<script type="application/json" id="report">${inline(JSON.stringify(report))}</script>
<script>${inline(echarts)}</script>
<script>
${inline(pageScript.toString())}
pageScript(${JSON.stringify(lang)});
</script>
</body>
</html>
`;

// Runs in the page: everything it shows comes from the report element.
function pageScript(initialLang) {
  const report = JSON.parse(document.getElementById('report').textContent);
  const texts = {
    'zh-CN': {
      title: '积分方案模拟报告', language: 'English', summary: '概览', pointsByMonth: '每月积分发放、兑换与过期',
      outstandingByMonth: '月末未兑换积分', tiersAtEnd: '期末等级分布', issuedByKind: '积分来源', tierChanges: '等级变动',
      mostAffected: '受影响最大的会员', current: '现行方案', candidate: '候选方案', issued: '发放', redeemed: '兑换',
      expired: '过期', outstanding: '未兑换积分', liability: '积分负债', breakage: '过期率', members: '会员',
      events: '事件', refused: '被拒事件', upgraded: '升级', kept: '不变', downgraded: '降级', move: '变动',
      member: '会员', tierCurrent: '现行等级', tierCandidate: '候选等级', issuedCurrent: '现行发放',
      issuedCandidate: '候选发放', difference: '差额', noCandidate: '未提供候选方案', none: '无',
      redeemedByKind: '积分去向', byVariant: '实验分组', noExperiment: '方案中没有实验分组', programme: '方案',
      variant: '分组',
      kinds: { earn: '订单', birthday_gift: '生日礼', checkin: '签到', like: '点赞', scan: '扫码', referral: '拉新',
        task: '任务', box_prize: '宝箱', checkout: '下单抵扣', redeem: '兑换礼品', box_cost: '开宝箱', makeup: '补签',
        mall_redeem: '积分商城' },
    },
    en: {
      title: 'Programme simulation report', language: '中文', summary: 'Summary', pointsByMonth: 'Points issued, redeemed and expired by month',
      outstandingByMonth: 'Points outstanding at month end', tiersAtEnd: 'Tiers at the end', issuedByKind: 'Where points came from',
      tierChanges: 'Tier changes', mostAffected: 'Members most affected', current: 'Current', candidate: 'Candidate',
      issued: 'Issued', redeemed: 'Redeemed', expired: 'Expired', outstanding: 'Outstanding points', liability: 'Points liability',
      breakage: 'Breakage', members: 'Members', events: 'Events', refused: 'Refused events', upgraded: 'Upgraded', kept: 'Kept',
      downgraded: 'Downgraded', move: 'Move', member: 'Member', tierCurrent: 'Current tier', tierCandidate: 'Candidate tier',
      issuedCurrent: 'Issued (current)', issuedCandidate: 'Issued (candidate)', difference: 'Difference',
      noCandidate: 'No candidate programme was given', none: 'None',
      redeemedByKind: 'Where points went', byVariant: 'Experiment variants', noExperiment: 'No experiment in these programmes',
      programme: 'Programme', variant: 'Variant',
      kinds: { earn: 'Orders', birthday_gift: 'Birthday gifts', checkin: 'Check-ins', like: 'Likes', scan: 'Scans',
        referral: 'Referrals', task: 'Tasks', box_prize: 'Treasure boxes', checkout: 'Checkout', redeem: 'Rewards',
        box_cost: 'Box draws', makeup: 'Make-ups', mall_redeem: 'Points mall' },
    },
  };
  const sides = ['current', 'candidate'].filter((s) => report.programmes[s]);
  const colors = { current: '#3f83f8', candidate: '#e3a008' };
  const charts = {};
  let lang = initialLang;

  const number = (n) => new Intl.NumberFormat(lang).format(n);
  const compact = (n) => new Intl.NumberFormat(lang, { notation: 'compact' }).format(n);  // axis labels: "20万", "200K"
  const money = (minor, side) => {
    const c = report.programmes[side].currency || { code: 'CNY', minor_units: 2 };
    return new Intl.NumberFormat(lang, { style: 'currency', currency: c.code }).format(minor / 10 ** c.minor_units);
  };
  const el = (tag, attrs = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  };
  const table = (head, rows, numeric) => el('table', {}, [
    el('thead', {}, [el('tr', {}, head.map((h, i) => el('th', numeric[i] ? { class: 'n' } : {}, [h])))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el('td', numeric[i] ? { class: 'n' } : {}, [String(c)]))))),
  ]);
  const chart = (id, option) => {
    charts[id] ??= echarts.init(document.getElementById(id));
    charts[id].setOption(option, true);
  };

  function render() {
    const t = texts[lang];
    document.documentElement.lang = lang;
    document.title = t.title;
    document.getElementById('title').textContent = t.title;
    document.getElementById('language').textContent = t.language;
    for (const node of document.querySelectorAll('[data-text]')) node.textContent = t[node.dataset.text];
    const name = (side) => `${t[side]} · ${report.programmes[side].id} v${report.programmes[side].version}`;
    document.getElementById('meta').textContent =
      `${sides.map(name).join(' / ')} · ${t.members} ${number(report.members)} · ${t.events} ${number(report.events)}`;

    // Summary cards: the candidate's figure with its change against the current one.
    const cards = document.getElementById('cards');
    cards.replaceChildren();
    const card = (label, value, delta) => el('div', { class: 'card' }, [
      el('div', { class: 'label' }, [label]), el('div', { class: 'value' }, [value]),
      ...(delta ? [el('div', { class: `delta ${delta.startsWith('+') ? 'up' : 'down'}` }, [delta])] : []),
    ]);
    // The candidate's change against the current programme, signed; '' when none.
    const change = (get, format = number) => {
      if (sides.length < 2) return '';
      const d = get(report.programmes.candidate) - get(report.programmes.current);
      return d === 0 ? '' : `${d > 0 ? '+' : '−'}${format(Math.abs(d))}`;
    };
    const last = sides[sides.length - 1];
    const p = report.programmes[last];
    cards.append(
      card(`${t.issued} · ${t[last]}`, number(p.total.issued), change((q) => q.total.issued)),
      card(`${t.outstanding} · ${t[last]}`, number(p.outstanding_points), change((q) => q.outstanding_points)),
      card(`${t.liability} · ${t[last]}`, money(p.liability_minor, last), change((q) => q.liability_minor, (m) => money(m, last))),
      card(`${t.breakage} · ${t[last]}`, `${(p.breakage_per_mille / 10).toFixed(1)}%`, ''),
      card(`${t.refused} · ${t[last]}`, number(p.refused_events), change((q) => q.refused_events)),
    );

    const months = report.months.map((m) => m.month);
    const series = [];
    for (const side of sides) {
      series.push({ name: `${t.issued} · ${t[side]}`, type: 'bar', data: report.months.map((m) => m[side].issued), itemStyle: { color: colors[side] } });
    }
    for (const side of sides) {
      series.push({ name: `${t.redeemed} · ${t[side]}`, type: 'line', data: report.months.map((m) => m[side].redeemed), lineStyle: { color: colors[side] }, itemStyle: { color: colors[side] }, symbol: 'circle' });
      series.push({ name: `${t.expired} · ${t[side]}`, type: 'line', data: report.months.map((m) => m[side].expired), lineStyle: { color: colors[side], type: 'dashed' }, itemStyle: { color: colors[side] }, symbol: 'triangle' });
    }
    const axis = { type: 'value', axisLabel: { formatter: (v) => compact(v) } };
    const base = { animation: false, tooltip: { trigger: 'axis', valueFormatter: (v) => number(v) }, grid: { left: 64, right: 16, top: 56, bottom: 32 } };
    chart('points-chart', { ...base, legend: { type: 'scroll', top: 0 }, xAxis: { type: 'category', data: months }, yAxis: axis, series });
    chart('outstanding-chart', {
      ...base, legend: { top: 0 }, xAxis: { type: 'category', data: months }, yAxis: axis,
      tooltip: { trigger: 'axis', formatter: (items) => items.map((i) => {
        const side = sides[i.seriesIndex];
        return `${i.marker}${i.seriesName}: ${number(i.value)} (${money(report.months[i.dataIndex][side].liability_minor, side)})`;
      }).join('<br>') },
      series: sides.map((side) => ({ name: t[side], type: 'line', data: report.months.map((m) => m[side].outstanding), itemStyle: { color: colors[side] }, areaStyle: { opacity: 0.08 } })),
    });
    const tiers = [...new Set(sides.flatMap((s) => Object.keys(report.programmes[s].tiers_at_end)))];
    chart('tiers-chart', {
      ...base, legend: { top: 0 }, xAxis: { type: 'category', data: tiers }, yAxis: axis,
      series: sides.map((side) => ({ name: t[side], type: 'bar', data: tiers.map((tier) => report.programmes[side].tiers_at_end[tier] ?? 0), itemStyle: { color: colors[side] } })),
    });
    const kinds = [...new Set(sides.flatMap((s) => Object.keys(report.programmes[s].total.issued_by_kind)))];
    chart('kinds-chart', {
      ...base, legend: { top: 0 }, grid: { left: 96, right: 16, top: 40, bottom: 32 },
      xAxis: axis, yAxis: { type: 'category', data: kinds.map((k) => t.kinds[k] ?? k) },
      series: sides.map((side) => ({ name: t[side], type: 'bar', data: kinds.map((k) => report.programmes[side].total.issued_by_kind[k] ?? 0), itemStyle: { color: colors[side] } })),
    });

    // Reports from before these figures have none: an empty chart, not an error.
    const spent = (side) => report.programmes[side].total.redeemed_by_kind ?? {};
    const spentKinds = [...new Set(sides.flatMap((s) => Object.keys(spent(s))))];
    chart('redeemed-chart', {
      ...base, legend: { top: 0 }, grid: { left: 96, right: 16, top: 40, bottom: 32 },
      xAxis: axis, yAxis: { type: 'category', data: spentKinds.map((k) => t.kinds[k] ?? k) },
      series: sides.map((side) => ({ name: t[side], type: 'bar', data: spentKinds.map((k) => spent(side)[k] ?? 0), itemStyle: { color: colors[side] } })),
    });
    const variantRows = sides.flatMap((side) => Object.entries(report.programmes[side].by_variant ?? {}).map(([id, v]) => [
      t[side], id, number(v.members), number(v.total.issued), number(v.total.redeemed), number(v.outstanding_points),
      money(v.liability_minor, side)]));
    document.getElementById('variants').replaceChildren(variantRows.length === 0 ? el('p', {}, [t.noExperiment])
      : table([t.programme, t.variant, t.members, t.issued, t.redeemed, t.outstanding, t.liability], variantRows,
        [false, false, true, true, true, true, true]));

    const moves = document.getElementById('moves');
    const affected = document.getElementById('affected');
    if (!report.tier_changes) {
      moves.replaceChildren(t.noCandidate);
      affected.replaceChildren(t.noCandidate);
      return;
    }
    const changes = report.tier_changes;
    moves.replaceChildren(
      table([t.upgraded, t.kept, t.downgraded], [[number(changes.upgraded), number(changes.kept), number(changes.downgraded)]], [true, true, true]),
      Object.keys(report.tier_moves).length === 0 ? el('p', {}, [t.none])
        : table([t.move, t.members], Object.entries(report.tier_moves).map(([m, n]) => [m.replace(' -> ', ' → '), number(n)]), [false, true]),
    );
    affected.replaceChildren(table(
      [t.member, t.tierCurrent, t.tierCandidate, t.issuedCurrent, t.issuedCandidate, t.difference],
      report.most_affected.map((a) => [a.member_id, a.tier.current, a.tier.candidate, number(a.issued.current),
        number(a.issued.candidate), `${a.issued.candidate >= a.issued.current ? '+' : '−'}${number(Math.abs(a.issued.candidate - a.issued.current))}`]),
      [false, false, false, true, true, true],
    ));
  }

  document.getElementById('language').addEventListener('click', () => {
    lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
    render();
  });
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  render();
  document.body.dataset.ready = 'true';
}

if (out) {
  writeFileSync(`${out}.part`, page);
  renameSync(`${out}.part`, out);
} else {
  process.stdout.write(page);
}
