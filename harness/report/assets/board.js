// board.js: a leaderboard page (schema: harness/report/build.py, render_board_page).
//
// One row per entry, ranked by the primary metric; every metric is a column, with its 95%
// interval drawn beside the value where the entry has one. Click a header to sort, type to
// filter, click a row for its provenance.

const BOARD = readJSON('data');
const ENTRIES = BOARD.entries || [];
const PRIMARY = BOARD.primary_metric || Object.keys(ENTRIES[0]?.metrics || {})[0] || '';

// The primary metric first, then every other metric any entry reports, in first-seen order.
const METRICS = [...new Set([PRIMARY, ...ENTRIES.flatMap((e) => Object.keys(e.metrics || {}))])].filter(Boolean);
const CONDITIONS = ENTRIES.some((e) => e.condition); // a sweep's entries: one per condition

// A fixed scale per metric (percent 0-100, fraction 0-1), widened if a value lies outside it.
function scaleOf(metric) {
  const base = isPercent(metric) ? 100 : 1;
  const values = ENTRIES.flatMap((e) => [e.metrics?.[metric], ...(e.intervals?.[metric] || [])]).filter((v) => typeof v === 'number');
  return Math.max(base, niceMax(Math.max(0, ...values)));
}

// Ranks by the primary metric, best first; equal values share a rank.
function ranks() {
  const values = ENTRIES.map((e) => e.metrics?.[PRIMARY]);
  return values.map((v) => (typeof v === 'number' ? 1 + values.filter((w) => typeof w === 'number' && w > v).length : null));
}

function problemsSummary(problems) {
  const list = Object.entries(problems || {});
  const solved = list.filter(([, nc]) => Array.isArray(nc) && nc[1] > 0).length;
  return {count: list.length, solved, list};
}

function provenance(entry) {
  const facts = [['key', entry.key], ...(entry.setup ? [['setup', entry.setup]] : []), ...(entry.condition ? [['condition', entry.condition]] : []), ['run', entry.run_id], ['added', entry.added], ['deterministic', String(entry.deterministic)]];
  const metrics = METRICS.filter((m) => entry.metrics && m in entry.metrics)
    .map((m) => [m, `${fmt(m, entry.metrics[m])} ${fmtInterval(m, entry.intervals?.[m])}`]);
  const probs = problemsSummary(entry.problems);
  return h('div', {class: 'details'},
    h('h4', {text: 'Provenance'}), kvTable(flattenKV(entry.provenance || {})),
    h('h4', {text: 'Entry'}), kvTable([...facts.map(([k, v]) => [k, v ?? '–']), ...metrics]),
    probs.count ? h('details', {class: 'part'}, h('summary', {text: `Problems: ${probs.solved} of ${probs.count} solved at least once`}),
      table(['problem', 'samples', 'passed'], probs.list.map(([p, nc]) => [p, String(nc?.[0] ?? '–'), String(nc?.[1] ?? '–')]))) : null);
}

function table(head, rows) {
  return h('table', {class: 'plain'}, h('thead', {}, h('tr', {}, head.map((x) => h('th', {text: x})))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((x) => h('td', {text: x}))))));
}

function main() {
  const app = document.getElementById('app');
  const scales = Object.fromEntries(METRICS.map((m) => [m, scaleOf(m)]));
  const rank = ranks();
  const columns = [
    {id: 'rank', name: '#'}, {id: 'label', name: 'entry'}, ...(CONDITIONS ? [{id: 'condition', name: 'condition'}] : []),
    ...METRICS.map((m) => ({id: `m:${m}`, name: m, first: 'desc', cls: m === PRIMARY ? 'primary' : ''})),
    {id: 'problems', name: 'problems', first: 'desc'}, {id: 'model', name: 'model'}, {id: 'added', name: 'added'},
    {id: 'deterministic', name: 'deterministic'}, {id: 'key', name: 'config'},
  ];
  const headers = columns.map((c) => h('th', {'data-column': c.id, 'data-first': c.first, class: c.cls || null, scope: 'col'}, h('button', {type: 'button', text: c.name})));
  const tableEl = h('table', {id: 'board', class: 'board'}, h('thead', {}, h('tr', {}, headers)));
  const items = ENTRIES.map((entry, i) => {
    const prov = entry.provenance || {};
    const probs = problemsSummary(entry.problems);
    const cells = METRICS.map((m) => {
      const v = entry.metrics?.[m], ci = entry.intervals?.[m];
      return h('td', {class: `metric${m === PRIMARY ? ' primary' : ''}`, title: `${m} ${fmt(m, v)} ${fmtInterval(m, ci)}`},
        h('span', {class: 'value', text: fmt(m, v)}), ci ? ciBar(m, v, ci, scales[m]) : null,
        ci ? h('span', {class: 'ci', text: fmtInterval(m, ci)}) : null);
    });
    const tr = h('tr', {class: 'row', tabindex: '0', 'aria-expanded': 'false', 'data-index': i},
      h('td', {class: 'rank', text: rank[i] ?? '–'}),
      h('td', {class: 'label', text: entry.label ?? entry.key ?? ''}),
      CONDITIONS ? h('td', {text: entry.condition || '–'}) : null,
      cells,
      h('td', {text: String(probs.count)}),
      h('td', {text: prov.model ?? prov.generator ?? '–'}),
      h('td', {text: entry.added ?? ''}),
      h('td', {text: entry.deterministic === undefined ? '–' : (entry.deterministic ? 'yes' : 'no')}),
      h('td', {class: 'mono', text: String(entry.key ?? '').slice(0, 12), title: entry.key}));
    const keys = {rank: rank[i], label: entry.label ?? '', condition: entry.condition || null, problems: probs.count, model: prov.model ?? prov.generator ?? null,
      added: entry.added ?? null, deterministic: entry.deterministic === undefined ? null : String(entry.deterministic), key: entry.key ?? ''};
    for (const m of METRICS) keys[`m:${m}`] = typeof entry.metrics?.[m] === 'number' ? entry.metrics[m] : null;
    const text = [entry.label, entry.condition, entry.key, entry.run_id, entry.added, ...flattenKV(prov).flat()].filter((x) => x !== undefined && x !== null).join(' ').toLowerCase();
    return {node: h('tbody', {}, tr), tr, entry, keys, text, open: false};
  });
  for (const item of items) tableEl.appendChild(item.node);
  const byIndex = items.slice();
  const sortBy = sortableHeaders(headers, items, tableEl);
  sortBy(`m:${PRIMARY}`, -1); // best first

  const filter = h('input', {id: 'filter', type: 'search', placeholder: 'filter entries (label, model, hash, any provenance value)…', 'aria-label': 'filter'});
  const count = h('span', {id: 'row-count', class: 'count-label'});
  function apply() {
    const q = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const visible = q.every((w) => item.text.includes(w));
      item.node.hidden = !visible;
      shown += visible;
    }
    count.textContent = `${shown} of ${items.length} entries`;
  }
  filter.addEventListener('input', apply);
  apply();

  function toggle(item) {
    item.open = !item.open;
    item.tr.setAttribute('aria-expanded', String(item.open));
    if (!item.detail) {
      item.detail = h('tr', {class: 'detail'}, h('td', {colspan: columns.length}, provenance(item.entry)));
      item.node.appendChild(item.detail);
    }
    item.detail.hidden = !item.open;
  }
  tableEl.addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr.row');
    if (tr) toggle(byIndex[tr.dataset.index]);
  });
  tableEl.addEventListener('keydown', (ev) => {
    const tr = ev.target.closest && ev.target.closest('tr.row');
    if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); toggle(byIndex[tr.dataset.index]); }
  });

  app.append(
    h('header', {}, h('h1', {text: `Leaderboard: ${BOARD.board ?? BOARD.task ?? ''}`}),
      h('p', {class: 'subtitle', text: `task ${BOARD.task ?? '–'} · ranked by ${PRIMARY} · ${ENTRIES.length} entries`})),
    h('p', {class: 'note', text: 'Bars show each metric\'s 95% interval with the value as a dot (pass@k: bootstrap over problems; pass_rate_*: Wilson, in percent). Entries whose intervals overlap are not clearly different. Click a header to sort, a row for its provenance.'}),
    h('div', {class: 'filters'}, filter, count),
    h('div', {class: 'table-wrap'}, tableEl));
  performance.mark('harness:table-rendered');
  document.body.dataset.ready = 'true';
}

main();
