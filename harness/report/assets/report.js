// report.js: the report of one or more runs (harness/report/data.py shapes the data).
//
// At load it draws the summaries, the plots and one table row per (problem, condition) from
// the small "data" document. A row's samples (prompts, answers, verdicts, outputs) live in a
// document of their own, "row-<index>", after the code; it is parsed, and the row's detail
// view built, only when the row is opened. Message texts are in "strings", parsed once.

performance.mark('harness:script-start');
const DATA = readJSON('data');
performance.mark('harness:data-parsed');
const RUNS = DATA.runs;
const MANY = RUNS.length > 1;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const label = (i) => (MANY ? LETTERS[i] || `#${i + 1}` : RUNS[i].summary.run_id);
const condLabel = (c) => c || '(no condition)';
let STRINGS = null; // parsed on first use

// The samples of row ``index``: one list per run.
function rowSamples(index) {
  if (!STRINGS) STRINGS = readJSON('strings');
  const samples = readJSON(`row-${index}`);
  // lets a test see which rows were parsed (none before a click)
  document.body.dataset.parsed = `${document.body.dataset.parsed || ''} ${index}`.trim();
  return samples;
}

// Every (run, condition) block in order, with its display name.
function blocks() {
  const out = [];
  RUNS.forEach((run, i) => {
    for (const c of run.conditions) {
      const block = run.blocks[c];
      if (!block) continue;
      const name = [MANY ? label(i) : '', c].filter(Boolean).join(' ') || run.summary.task;
      out.push({run: i, condition: c, block, name});
    }
  });
  return out;
}

function point(metrics, intervals, key) {
  if (!metrics || typeof metrics[key] !== 'number') return null;
  const ci = intervals && intervals[key];
  return ci ? {v: metrics[key], lo: ci[0], hi: ci[1]} : {v: metrics[key]};
}

// ---- header and summaries ----

function banners() {
  const out = [];
  RUNS.forEach((run, i) => {
    const sm = run.summary;
    if (sm.demo_model) out.push(h('p', {class: 'banner demo'}, h('strong', {text: `${label(i)}: ${sm.demo_model}`}), ' — its answers are not a real model\'s; the figures show that the pipeline runs, not how good a model is.'));
    if (!sm.complete) out.push(h('p', {class: 'banner warn', text: `${label(i)}: incomplete run (${sm.samples} of ${sm.expected} samples, status ${sm.status})${sm.recomputed ? '; metrics recomputed from samples.jsonl, the run has no results.json' : ''}.`}));
  });
  return out;
}

function runCard(run, i) {
  const sm = run.summary;
  const commit = sm.harness_commit ? `${sm.harness_commit.slice(0, 12)}${sm.harness_dirty ? ' (dirty)' : ''}` : 'unknown';
  const facts = [
    ['run', sm.run_id], ['directory', sm.path], ['status', sm.status], ['task', sm.task], ['generator', sm.generator],
    ['model', sm.model ?? '–'], ['config hash', sm.config_hash], ['harness', `${sm.harness_version} @ ${commit}`],
    ['samples', `${sm.samples} of ${sm.expected} (n = ${sm.n})`],
    ['conditions', run.conditions.filter(Boolean).join(', ') || '–'],
    ['started', sm.created_at], ['finished', sm.finished_at || '–'], ['command', sm.command],
  ];
  return h('section', {class: 'card'},
    h('h3', {text: MANY ? `${label(i)}: ${sm.run_id}` : 'Run'}),
    kvTable(facts, 'facts'),
    sm.templates.length ? h('div', {}, h('h4', {text: 'Prompt templates'}),
      table(['where', 'name', 'sha256'], sm.templates.map((t) => [t.where, t.name, t.sha256]))) : null,
    sm.images.length ? h('div', {}, h('h4', {text: 'Sandbox images'}),
      table(['image', 'tag', 'id'], sm.images.map((x) => [x.name, x.tag, x.id]))) : null,
    h('details', {class: 'provenance'}, h('summary', {text: `Full provenance (run.json, ${run.provenance.length} fields)`}),
      kvTable(run.provenance)));
}

function table(head, rows, cls) {
  return h('table', {class: cls || 'plain'},
    h('thead', {}, h('tr', {}, head.map((x) => h('th', {text: x})))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((x) => (x instanceof Node ? h('td', {}, x) : h('td', {text: x ?? '–'})))))));
}

// Each (run, condition) with every metric and its interval, the static summary and, for
// Polyglot, Aider's pass rates; with several runs, each run against the first.
function resultsTable() {
  const bs = blocks();
  const metrics = [...new Set(bs.flatMap((b) => Object.keys(b.block.metrics)))];
  const poly = bs.some((b) => b.block.polyglot) ? ['pass_rate_1', 'pass_rate_2', 'percent_cases_well_formed'] : [];
  const withCI = (m, v, ci) => (typeof v === 'number' ? `${fmt(m, v)} ${fmtInterval(m, ci)}` : '–');
  const rows = bs.map((b) => {
    const sm = RUNS[b.run].summary, st = b.block.static;
    return [
      ...(MANY ? [label(b.run), sm.task, sm.generator, sm.model ?? '–'] : []), b.condition || '–', String(b.block.problems),
      ...metrics.map((m) => withCI(m, b.block.metrics[m], b.block.intervals[m])),
      ...poly.map((m) => withCI(m, b.block.polyglot?.[m], b.block.polyglot?.intervals?.[m])),
      withCI('syntax', st.syntax_valid_rate, st.syntax_valid_interval), fmt('', st.complexity_max), fmt('', st.loc),
    ];
  });
  const head = [...(MANY ? ['run', 'task', 'generator', 'model'] : []), 'condition', 'problems', ...metrics, ...poly,
    'syntax valid', 'complexity (max, mean)', 'lines of code (mean)'];
  const out = [h('h2', {text: MANY ? 'Runs side by side' : 'Results'}), table(head, rows, 'plain numeric'),
    h('p', {class: 'note', text: `95% intervals in brackets: pass@k by a bootstrap over problems; rates (syntax valid${poly.length ? ', Polyglot\'s pass rates in percent' : ''}) by Wilson's interval. Static metrics are means over samples with a candidate.`})];
  if (DATA.comparisons.length) {
    out.push(h('h3', {text: `Paired, against ${label(0)}`}),
      h('p', {class: 'note', text: 'Per problem, the fraction of samples passing in each run; better/worse count the problems where the later run passes more/fewer; p is an exact two-sided sign test over those problems.'}),
      table(['run', 'condition', 'common problems', `pass fraction ${label(0)}`, 'pass fraction', 'better', 'worse', 'only in A', 'only in this run', 'p'],
        DATA.comparisons.map((c) => [label(c.b), c.condition || '–', String(c.problems), fmt('', c.pass_fraction_a), fmt('', c.pass_fraction_b),
          String(c.better), String(c.worse), String(c.only_a), String(c.only_b), c.p_value.toFixed(4)]), 'plain numeric'));
  }
  return h('section', {id: 'comparison'}, out);
}

// ---- plots ----

function plots() {
  const bs = blocks();
  const out = [];
  // pass@k per (run, condition), one series per k
  const ks = [...new Set(bs.flatMap((b) => Object.keys(b.block.metrics).filter((m) => m.startsWith('pass@'))))];
  if (ks.length) {
    out.push(barChart({title: 'pass@k', note: 'with 95% bootstrap intervals over problems', metric: 'pass@1', categories: bs.map((b) => b.name),
      series: ks.map((k, i) => ({name: ks.length > 1 ? k : '', colour: SERIES[i % SERIES.length], points: bs.map((b) => point(b.block.metrics, b.block.intervals, k))}))}));
  }
  // grading modes (LiveCodeBench: strict and upstream) when there are several
  const modes = [...new Set(bs.flatMap((b) => Object.keys(b.block.grading)))];
  if (modes.length > 1) {
    out.push(barChart({title: 'pass@1 per grading mode', note: 'same samples, each mode\'s verdicts', metric: 'pass@1', categories: bs.map((b) => b.name),
      series: modes.map((m, i) => ({name: m, colour: SERIES[i % SERIES.length], points: bs.map((b) => point(b.block.grading[m]?.metrics, b.block.grading[m]?.intervals, 'pass@1'))}))}));
  }
  // multi-turn tasks: pass@1 after each turn
  const turns = Math.max(0, ...bs.map((b) => b.block.turns.length));
  if (turns > 1) {
    out.push(barChart({title: 'pass@1 after each turn', metric: 'pass@1', categories: bs.map((b) => b.name),
      series: [...Array(turns).keys()].map((t) => ({name: `after turn ${t + 1}`, colour: SERIES[t % SERIES.length], points: bs.map((b) => (b.block.turns[t] ? point(b.block.turns[t].metrics, b.block.turns[t].intervals, 'pass@1') : null))}))}));
  }
  out.push(...sweepPlots());
  // per group (language, difficulty, platform): one bar per value, one series per (run, condition)
  for (const key of DATA.group_keys) {
    const values = [...new Set(bs.flatMap((b) => Object.keys(b.block.by_group[key] || {})))].sort();
    if (!values.length) continue;
    out.push(barChart({title: `pass@1 per ${key}`, note: 'with 95% bootstrap intervals', metric: 'pass@1', categories: values,
      series: bs.map((b, i) => ({name: bs.length > 1 ? b.name : '', colour: SERIES[i % SERIES.length], points: values.map((v) => point(b.block.by_group[key]?.[v]?.metrics, b.block.by_group[key]?.[v]?.intervals, 'pass@1'))}))}));
  }
  out.push(...polyglotPlots(bs));
  out.push(stackedBars({title: 'Statuses', rows: bs.map((b) => ({label: b.name, counts: b.block.status_counts}))}));
  return h('section', {id: 'plots'}, h('h2', {text: 'Plots'}), h('div', {class: 'charts'}, out));
}

// A layer sweep: pass@1 and each NIR-table column across the run's conditions, one small
// chart per metric, one line per run; definitions switchable (harness or the NIR paper's).
function sweepPlots() {
  const sweeps = RUNS.map((run, i) => [run, i]).filter(([run]) => run.nir);
  if (!sweeps.length) return [];
  const conds = [...new Set(sweeps.flatMap(([run]) => run.conditions))];
  const columns = sweeps[0][0].nir.columns;
  const holder = h('div', {class: 'charts'});
  const rates = new Set(['response_rate', 'syntactic_correctness']);
  function draw(defs) {
    const numbers = table(['run', 'condition', ...columns.map((c) => c.replace(/_/g, ' '))],
      sweeps.flatMap(([run, i]) => run.conditions.map((c) => [MANY ? label(i) : run.summary.run_id, c, ...columns.map((col) => fmt(col, run.nir[defs][c]?.[col]))])),
      'plain numeric nir-table');
    holder.replaceChildren(h('div', {class: 'wide'}, numbers),
      lineChart({title: 'pass@1', categories: conds, metric: 'pass@1', rate: true,
        series: sweeps.map(([run, i], j) => ({name: MANY ? label(i) : '', colour: SERIES[j % SERIES.length], values: conds.map((c) => run.blocks[c]?.metrics['pass@1'] ?? null)}))}),
      ...columns.map((col) => lineChart({title: col.replace(/_/g, ' '), categories: conds, metric: col, rate: rates.has(col),
        series: sweeps.map(([run, i], j) => ({name: MANY ? label(i) : '', colour: SERIES[j % SERIES.length], values: conds.map((c) => run.nir[defs][c]?.[col] ?? null)}))})));
  }
  const select = h('select', {id: 'nir-defs', 'aria-label': 'NIR table definitions', onchange: () => draw(select.value)},
    h('option', {value: 'harness', text: 'harness definitions'}), h('option', {value: 'paper', text: 'NIR paper definitions'}));
  draw('harness');
  return [h('div', {class: 'sweep wide'}, h('h3', {}, 'Layer sweep: the NIR table across conditions ', select), holder,
    h('p', {class: 'note', text: 'Response rate and syntactic correctness are fractions; complexity, lines and characters are means over candidates (README, Static metrics).'}))];
}

// Polyglot: Aider's pass rate after try 1 and after try 2, per language, in percent.
function polyglotPlots(bs) {
  const poly = bs.filter((b) => b.block.polyglot);
  if (!poly.length) return [];
  const langs = [...new Set(poly.flatMap((b) => Object.keys(b.block.polyglot.per_language)))].sort();
  const categories = ['all', ...langs];
  const entry = (b, c) => (c === 'all' ? b.block.polyglot : b.block.polyglot.per_language[c]);
  const series = [];
  poly.forEach((b, i) => {
    for (const t of ['1', '2']) {
      series.push({name: `${poly.length > 1 ? `${b.name} ` : ''}try ${t}`, colour: SERIES[(2 * i + Number(t) - 1) % SERIES.length],
        points: categories.map((c) => point(entry(b, c), entry(b, c)?.intervals, `pass_rate_${t}`))});
    }
  });
  return [barChart({title: 'Polyglot: pass rate after try 1 and try 2', note: 'percent of exercises, 95% Wilson intervals', metric: 'pass_rate_1', categories, series})];
}

// ---- the problem table ----

function problemTable() {
  const rows = DATA.rows;
  const hasConditions = rows.some((r) => r.condition);
  const keys = DATA.group_keys;
  const statuses = Object.keys(STATUS_COLOURS).filter((st) => rows.some((r) => r.cells.some((c) => c && c.statuses.includes(st))));
  const columns = [{id: 'problem', name: 'problem', width: 'minmax(9em, 2fr)'},
    ...keys.map((k) => ({id: `g:${k}`, name: k, width: 'minmax(6em, 1fr)'})),
    ...(hasConditions ? [{id: 'condition', name: 'condition', width: 'minmax(7em, 1fr)'}] : []),
    ...RUNS.map((run, i) => ({id: `run:${i}`, name: MANY ? label(i) : 'samples passed', title: run.summary.run_id, first: 'desc', width: 'minmax(9em, 1.5fr)'}))];
  // A grid of divs rather than a <table>: each row's box can then skip layout and paint while it
  // is off screen (content-visibility), which is what keeps thousands of rows quick to open.
  const headers = columns.map((c) => h('div', {class: 'th', role: 'columnheader', 'data-column': c.id, 'data-first': c.first, title: c.title}, h('button', {type: 'button', text: c.name})));
  const body = h('div', {class: 'tbody', role: 'rowgroup'});
  const tableEl = h('div', {id: 'problems', class: 'grid problems', role: 'table', 'aria-label': 'problems', style: `--cols: ${columns.map((c) => c.width).join(' ')}`},
    h('div', {class: 'thead', role: 'rowgroup'}, h('div', {class: 'hrow', role: 'row'}, headers)), body);
  const cell = (props, ...kids) => h('div', {role: 'cell', ...props}, ...kids);
  const items = rows.map((row, index) => {
    const tr = h('div', {class: 'row', role: 'row', tabindex: '0', 'aria-expanded': 'false', 'data-index': index},
      cell({class: 'pid', text: row.id, title: row.id}),
      keys.map((k) => cell({text: row.groups[k] ?? ''})),
      hasConditions ? cell({text: row.condition}) : null,
      row.cells.map((c) => cell({class: 'cell'}, c ? [h('span', {class: 'count', text: `${c.c}/${c.n}`}), ' ', c.statuses.map((st, j) => statusChip(st, `sample ${j}: ${st}`))] : h('span', {class: 'absent', text: '–'}))));
    const node = h('div', {class: 'item'}, tr);
    const sortKeys = {problem: index, condition: row.condition};
    keys.forEach((k) => { sortKeys[`g:${k}`] = row.groups[k] ?? null; });
    row.cells.forEach((c, i) => { sortKeys[`run:${i}`] = c ? c['pass@1'] : null; });
    const differs = new Set(row.cells.map((c) => (c ? c['pass@1'] : -1))).size > 1;
    return {node, tr, row, index, keys: sortKeys, differs, open: false};
  });
  const frag = document.createDocumentFragment();
  for (const item of items) frag.appendChild(item.node);
  body.appendChild(frag);
  const byIndex = items.slice(); // sorting reorders ``items``; rows keep their data-index
  sortableHeaders(headers, items, body);

  // filters: text, status, each grouping, condition, and (several runs) rows where runs differ
  const search = h('input', {id: 'search', type: 'search', placeholder: 'search problems, statuses, details…', 'aria-label': 'search'});
  const selects = [];
  const filterSelect = (id, name, values, test) => {
    const el = h('select', {id, 'aria-label': name}, h('option', {value: '', text: `${name}: all`}), values.map((v) => h('option', {value: v, text: v || '(none)'})));
    selects.push({el, test});
    return el;
  };
  const controls = [search,
    filterSelect('filter-status', 'status', statuses, (item, v) => item.row.cells.some((c) => c && c.statuses.includes(v))),
    ...keys.map((k) => filterSelect(`filter-${k}`, k, [...new Set(rows.map((r) => r.groups[k]).filter(Boolean))].sort(), (item, v) => item.row.groups[k] === v))];
  if (hasConditions) controls.push(filterSelect('filter-condition', 'condition', [...new Set(rows.map((r) => r.condition))], (item, v) => item.row.condition === v));
  const differ = MANY ? h('input', {type: 'checkbox', id: 'filter-differs'}) : null;
  if (differ) controls.push(h('label', {}, differ, ' only where the runs differ'));
  // tasks graded two ways (LiveCodeBench strict and upstream): the rows where the modes disagree
  const modes = rows.some((r) => r.cells.some((c) => c && 'modes_differ' in c)) ? h('input', {type: 'checkbox', id: 'filter-modes'}) : null;
  if (modes) controls.push(h('label', {}, modes, ' only where grading modes differ'));
  const count = h('span', {id: 'row-count', class: 'count-label'});
  function apply() {
    const q = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const visible = q.every((w) => item.row.q.includes(w))
        && selects.every(({el, test}) => !el.value || test(item, el.value))
        && (!differ || !differ.checked || item.differs)
        && (!modes || !modes.checked || item.row.cells.some((c) => c && c.modes_differ));
      item.node.hidden = !visible;
      shown += visible;
    }
    count.textContent = `${shown} of ${items.length} rows`;
  }
  for (const el of [search, ...selects.map((x) => x.el), differ, modes].filter(Boolean)) el.addEventListener('input', apply);
  apply();

  // opening a row: its details, built now (and kept, so reopening is instant)
  function toggle(item) {
    // a row's samples follow the code in the file: until the parser has reached them, wait
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => toggle(item), {once: true});
      return;
    }
    item.open = !item.open;
    item.tr.setAttribute('aria-expanded', String(item.open));
    if (!item.detail) {
      item.detail = h('div', {class: 'detail', role: 'row'}, h('div', {role: 'cell'}, rowDetails(item.index)));
      item.node.appendChild(item.detail);
    }
    item.detail.hidden = !item.open;
    // the address names the open row, so a link (file.html#problem=...) opens it again
    const hash = item.open ? `#${new URLSearchParams({problem: item.row.id, condition: item.row.condition})}` : ' ';
    try { history.replaceState(null, '', hash); } catch (e) { /* some browsers refuse it on file:// */ }
  }
  const linked = new URLSearchParams(location.hash.slice(1));
  if (linked.has('problem')) {
    const item = byIndex.find((it) => it.row.id === linked.get('problem') && it.row.condition === (linked.get('condition') || ''));
    if (item) { toggle(item); item.tr.scrollIntoView({block: 'start'}); }
  }
  tableEl.addEventListener('click', (ev) => {
    const tr = ev.target.closest('.row');
    if (tr && tableEl.contains(tr)) toggle(byIndex[tr.dataset.index]);
  });
  tableEl.addEventListener('keydown', (ev) => {
    if (ev.target.classList.contains('row') && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); toggle(byIndex[ev.target.dataset.index]); }
  });
  return h('section', {id: 'problems-section'}, h('h2', {text: 'Problems'}),
    h('p', {class: 'note', text: `One row per ${hasConditions ? '(problem, condition)' : 'problem'}: samples passed of samples, each sample's final status as a square. Click a row for its samples: prompts, answers, candidates, tests, outputs, static metrics. Click a header to sort.`}),
    h('div', {class: 'filters'}, controls, count), h('div', {class: 'table-wrap'}, tableEl));
}

// ---- a row's samples ----

function rowDetails(index) {
  const perRun = rowSamples(index);
  const row = DATA.rows[index];
  return h('div', {class: 'details'}, perRun.map((samples, i) => {
    if (!samples.length) return MANY ? h('p', {class: 'note', text: `${label(i)}: no samples of ${row.id}${row.condition ? ` (${row.condition})` : ''}.`}) : null;
    return h('div', {class: 'run-samples'}, MANY ? h('h3', {text: `${label(i)}: ${RUNS[i].summary.run_id}`}) : null,
      samples.map((sample) => sampleView(sample, STRINGS)));
  }));
}

function pre(text, cls) { return h('pre', {class: cls || 'text', text: text ?? ''}); }

function part(title, open, ...body) {
  return h('details', {class: 'part', open}, h('summary', {text: title}), ...body);
}

function sampleView(sample, strings) {
  const many = sample.turns.length > 1;
  return h('details', {class: 'sample', open: true},
    h('summary', {}, statusChip(sample.status), ` sample ${sample.index}: ${sample.status} · ${sample.turns.length} turn${many ? 's' : ''} · ${sample.seconds.toFixed(2)} s`),
    sample.turns.map((t, i) => h('div', {class: 'turn'}, many ? h('h4', {}, statusChip(t.status), ` turn ${i + 1}: ${t.status}`) : null, turnView(t, strings))));
}

function outputs(label, out) {
  if (!out) return null;
  return [h('div', {class: 'out-label', text: `${label} (${out.bytes} bytes${out.truncated ? ', truncated' : ''})`}), pre(out.text, 'text output')];
}

function testsTable(tests) {
  return table(['#', 'status', 'detail', 'actual'], tests.map(([status, detail, actual], i) => [String(i + 1), h('span', {}, statusChip(status), ` ${status}`), detail || '', actual ?? '']), 'plain tests');
}

function turnView(t, strings) {
  const gen = t.generation;
  const parts = [
    part(`Prompt: ${t.messages.length} message${t.messages.length === 1 ? '' : 's'}`, false,
      t.messages.map(([role, k]) => h('div', {class: `message ${role}`}, h('div', {class: 'role', text: role}), pre(strings[k])))),
  ];
  if (t.prefill) parts.push(part('Prefill (the answer starts with it)', true, pre(t.prefill, 'text code')));
  parts.push(part(`Raw answer: ${gen.tokens_out} tokens out, ${gen.tokens_in} in, ${gen.seconds.toFixed(2)} s`, true, pre(t.answer, 'text code')));
  const extras = Object.entries(t.extras || {});
  if (extras.length) parts.push(part('Generation extras', false, kvTable(flattenKV(t.extras))));
  if (t.files) parts.push(part(`Extracted candidate: ${Object.keys(t.files).length} file(s)`, true, Object.entries(t.files).map(([name, text]) => [h('div', {class: 'out-label', text: name}), pre(text, 'text code')])));
  else parts.push(part('Extracted candidate', true, t.candidate === null ? h('p', {class: 'note', text: 'no candidate extracted'}) : pre(t.candidate, 'text code')));
  const result = [['status', t.status], ['detail', t.detail || '–'], ['exit code', t.exit_code ?? '–'], ['seconds', t.seconds]];
  parts.push(part(`Verdict: ${t.status}${t.tests.length ? `, ${t.tests.filter((x) => x[0] === 'pass').length} of ${t.tests.length} tests passed` : ''}`, true,
    kvTable(result.map(([k, v]) => [k, String(v)])), t.tests.length ? testsTable(t.tests) : null));
  for (const [mode, v] of Object.entries(t.verdicts || {})) {
    parts.push(part(`Grading mode ${mode}: ${v.status}`, false,
      kvTable([['status', v.status], ['passed', String(v.passed)], ['detail', v.detail || '–'], ...v.notes.map((n, i) => [`note ${i + 1}`, n])]),
      v.tests.length ? testsTable(v.tests) : null,
      v.candidate ? [h('div', {class: 'out-label', text: 'candidate this mode graded'}), pre(v.candidate, 'text code')] : null,
      Object.keys(v.extras || {}).length ? kvTable(flattenKV(v.extras)) : null));
  }
  const out = [outputs('stdout', t.stdout), outputs('stderr', t.stderr)].filter(Boolean);
  t.steps.forEach((st, i) => {
    out.push(h('div', {class: 'step'}, h('div', {class: 'out-label'}, statusChip(st.status), ` step ${i + 1}: ${st.status}${st.detail ? ` (${st.detail})` : ''}, exit ${st.exit_code ?? '–'}${st.signal ? `, signal ${st.signal}` : ''}, cpu ${st.cpu_s} s, wall ${st.wall_s} s`),
      outputs('stdout', st.stdout), outputs('stderr', st.stderr),
      st.events.length ? kvTable(st.events.map((e, j) => [`event ${j + 1}`, JSON.stringify(e)])) : null));
  });
  for (const [name, o] of Object.entries(t.collected || {})) out.push(outputs(`collected ${name}`, o));
  if (out.length) parts.push(part('Captured output', false, out));
  if (t.static) parts.push(part(`Static metrics${t.static.syntax_valid === false ? ': does not parse' : ''}`, false, kvTable(flattenKV(t.static))));
  return parts;
}

// ---- the page ----

function main() {
  const app = document.getElementById('app');
  const tasks = [...new Set(RUNS.map((r) => r.summary.task))].join(', ');
  app.append(
    h('header', {}, h('h1', {text: `harness report: ${tasks}`}),
      h('p', {class: 'subtitle', text: RUNS.map((r, i) => (MANY ? `${label(i)} = ${r.summary.run_id}` : r.summary.run_id)).join(' · ')})),
    ...banners(),
    h('section', {id: 'summary', class: 'cards'}, RUNS.map(runCard)),
    resultsTable(),
    plots(),
  );
  app.append(problemTable());
  performance.mark('harness:table-rendered');
  document.body.dataset.ready = 'true';
}

main();
