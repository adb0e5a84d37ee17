// common.js: what the report and the leaderboard page share: element builders, number
// formats, status colours, sortable headers and the three SVG charts.
//
// Every value from the data reaches the page as a text node or an attribute value set by
// code (textContent, setAttribute), never as markup: model outputs are hostile, and a
// sample may well contain "<script>" or "<img onerror=...>".

const SVGNS = 'http://www.w3.org/2000/svg';

// Palette for series (runs, conditions, tries); statuses have their own colours below.
const SERIES = ['#3b6fd8', '#e07b39', '#2f9e6e', '#b34fb8', '#c9a227', '#4f9bb0', '#d04e6e', '#7a7a7a'];
const STATUS_COLOURS = {
  pass: '#2e9d4f', fail: '#d64541', error: '#e67e22', timeout: '#8e44ad', oom: '#a93226',
  killed: '#6c7a89', exited_early: '#d35400', syntax_error: '#d4ac0d', no_code: '#95a5a6',
  harness_error: '#34495e', output_limit: '#16a085', excluded: '#bdc3c7', not_run: '#c8d0d8',
  build_error: '#e84393', tampered: '#111111', missing: '#dddddd',
};

// h('div', {class: 'x', text: 'hello', onclick: f}, child, 'text', [more]): an HTML element.
function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}

// s('rect', {x: 1, ...}, kids): an SVG element (attributes only; text children as text nodes).
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.appendChild(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

// The JSON document in <script type="application/json" id=...>.
function readJSON(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}

// Metrics named pass_rate_* (Aider's) are percentages 0-100; every other rate is a fraction 0-1.
function isPercent(name) { return /^pass_rate_|^percent_/.test(name); }

function fmt(name, v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  if (isPercent(name)) return v.toFixed(1);
  return Number.isInteger(v) && Math.abs(v) > 1 ? String(v) : v.toFixed(3);
}

// An axis tick: as few decimals as the axis needs.
function tick(v, max) {
  const digits = max >= 10 ? 0 : max >= 2 ? 1 : 2;
  return v.toFixed(digits);
}

function fmtInterval(name, ci) {
  return ci ? `[${fmt(name, ci[0])}, ${fmt(name, ci[1])}]` : '';
}

function statusChip(status, title) {
  return h('span', {class: 'chip', style: `background:${STATUS_COLOURS[status] || '#999'}`, title: title || status});
}

// Nested objects as [dotted key, text] rows, for key/value tables.
function flattenKV(value, prefix, out) {
  out = out || [];
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) flattenKV(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
    out.push([prefix, JSON.stringify(value)]);
  } else if (Array.isArray(value)) {
    out.push([prefix, value.length ? value.join(' ') : '[]']);
  } else {
    out.push([prefix, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return out;
}

function kvTable(rows, cls) {
  return h('table', {class: `kv ${cls || ''}`},
    h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', {text: k}), h('td', {text: v})))));
}

// Sort keys: numbers before strings, nulls last; strings compared with their numbers as numbers.
const collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});
function compareKeys(a, b) {
  const na = a === null || a === undefined, nb = b === null || b === undefined;
  if (na || nb) return na === nb ? 0 : (na ? 1 : -1);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

// Clicking a header sorts ``items`` ({node, keys: {column: value}}) by that column, again
// reverses it; the nodes are re-appended to ``parent`` in the new order.
function sortableHeaders(headers, items, parent, onSort) {
  let current = null, direction = 1;
  function sortBy(column, dir) {
    current = column; direction = dir;
    const order = items.map((item, i) => [item, i]);
    order.sort(([a, i], [b, j]) => {
      const c = compareKeys(a.keys[column], b.keys[column]);
      // nulls stay last in both directions; ties keep their previous order
      if (a.keys[column] === null || a.keys[column] === undefined || b.keys[column] === null || b.keys[column] === undefined) return c || i - j;
      return direction * c || i - j;
    });
    const frag = document.createDocumentFragment();
    for (const [item] of order) frag.appendChild(item.node);
    parent.appendChild(frag);
    items.splice(0, items.length, ...order.map(([item]) => item));
    for (const th of headers) {
      th.setAttribute('aria-sort', th.dataset.column === column ? (direction > 0 ? 'ascending' : 'descending') : 'none');
    }
    if (onSort) onSort(column, direction);
  }
  for (const th of headers) {
    const button = th.querySelector('button') || th;
    button.addEventListener('click', () => {
      const column = th.dataset.column;
      sortBy(column, column === current ? -direction : (th.dataset.first === 'desc' ? -1 : 1));
    });
  }
  return sortBy;
}

// A round upper bound for an axis: 1, 2, 2.5, 5 times a power of ten.
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function legend(series) {
  return h('div', {class: 'legend'}, series.map((x) =>
    h('span', {class: 'legend-item'}, h('span', {class: 'swatch', style: `background:${x.colour}`}), x.name)));
}

function figure(title, note, ...body) {
  return h('figure', {class: 'chart'}, h('figcaption', {}, h('strong', {text: title}), note ? h('span', {class: 'note', text: ` ${note}`}) : null), ...body);
}

function shorten(label, size) { return label.length > size ? `${label.slice(0, size - 1)}…` : label; }

// Grouped bars with 95% interval whiskers.
//   categories: x groups; series: [{name, colour, points: [{v, lo, hi} or null, one per category]}]
//   metric: the metric's name (sets the scale: percent or fraction) .
function barChart({title, note, categories, series, metric}) {
  const max = isPercent(metric) ? 100 : Math.max(1, niceMax(Math.max(...series.flatMap((x) => x.points.map((p) => (p ? Math.max(p.v, p.hi ?? 0) : 0))))));
  const barW = Math.max(8, Math.min(28, 220 / Math.max(1, series.length * categories.length)));
  // a group is as wide as its bars, or as its label while the labels fit level in ~900 px;
  // longer labels are drawn slanted, with room on the left for the first one
  const longest = Math.min(22, Math.max(...categories.map((c) => c.length)));
  const bars = series.length * barW + 16, labelW = longest * 6.5 + 12;
  const level = categories.length * Math.max(bars, labelW) <= 900;
  const groupW = level ? Math.max(bars, labelW) : bars;
  const left = level ? 44 : Math.max(44, longest * 5.4 - groupW / 2), top = 12, plotH = 160, labelH = level ? 28 : longest * 3.7 + 20;
  const width = Math.max(320, left + categories.length * groupW + 16), height = top + plotH + labelH;
  const y = (v) => top + plotH - (Math.max(0, Math.min(max, v)) / max) * plotH;
  const svg = s('svg', {class: 'bars', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title});
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg.append(s('line', {class: 'grid', x1: left, x2: width - 8, y1: y(v), y2: y(v)}),
      s('text', {class: 'tick', x: left - 6, y: y(v) + 4, 'text-anchor': 'end'}, tick(v, max)));
  }
  categories.forEach((category, ci) => {
    const x0 = left + 8 + ci * groupW;
    series.forEach((sr, si) => {
      const p = sr.points[ci];
      if (!p) return;
      const x = x0 + si * barW, label = `${sr.name ? `${sr.name} · ` : ''}${category}: ${fmt(metric, p.v)} ${fmtInterval(metric, p.lo === undefined ? null : [p.lo, p.hi])}`;
      svg.append(s('rect', {class: 'bar', x: x + 1, y: y(p.v), width: barW - 2, height: Math.max(0.5, top + plotH - y(p.v)), fill: sr.colour}, s('title', {}, label)));
      if (p.lo !== undefined && p.lo !== null) {
        const cx = x + barW / 2;
        svg.append(s('g', {class: 'errbar'},
          s('line', {x1: cx, x2: cx, y1: y(p.lo), y2: y(p.hi)}),
          s('line', {x1: cx - 3, x2: cx + 3, y1: y(p.lo), y2: y(p.lo)}),
          s('line', {x1: cx - 3, x2: cx + 3, y1: y(p.hi), y2: y(p.hi)}),
          s('title', {}, label)));
      }
    });
    const cx = x0 + (series.length * barW) / 2, ly = top + plotH + 14;
    const long = !level;
    svg.append(s('text', {class: 'label', x: cx, y: ly, 'text-anchor': long ? 'end' : 'middle', transform: long ? `rotate(-35 ${cx} ${ly})` : null},
      shorten(category, 22), s('title', {}, category)));
  });
  svg.append(s('line', {class: 'axis', x1: left, x2: width - 8, y1: y(0), y2: y(0)}));
  return figure(title, note, series.length > 1 || series[0]?.name ? legend(series) : null, svg);
}

// One small line chart: a metric across categories (the layers of a sweep), one line per series.
//   series: [{name, colour, values: [number or null per category]}]
function lineChart({title, categories, series, metric, rate}) {
  const all = series.flatMap((x) => x.values).filter((v) => typeof v === 'number');
  const max = rate ? 1 : niceMax(Math.max(0, ...all));
  const left = 40, top = 10, plotH = 110, width = Math.max(230, left + categories.length * 56 + 16), height = top + plotH + 34;
  const x = (i) => left + 20 + (categories.length > 1 ? (i * (width - left - 40)) / (categories.length - 1) : (width - left - 40) / 2);
  const y = (v) => top + plotH - (Math.max(0, Math.min(max, v)) / max) * plotH;
  const svg = s('svg', {class: 'lines', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title});
  for (let i = 0; i <= 2; i++) {
    const v = (max * i) / 2;
    svg.append(s('line', {class: 'grid', x1: left, x2: width - 8, y1: y(v), y2: y(v)}),
      s('text', {class: 'tick', x: left - 6, y: y(v) + 4, 'text-anchor': 'end'}, tick(v, max)));
  }
  categories.forEach((c, i) => svg.append(s('text', {class: 'label', x: x(i), y: top + plotH + 16, 'text-anchor': 'middle'}, shorten(c, 10), s('title', {}, c))));
  for (const sr of series) {
    const pts = sr.values.map((v, i) => (typeof v === 'number' ? [x(i), y(v), v, categories[i]] : null)).filter(Boolean);
    svg.append(s('polyline', {class: 'sweep-line', points: pts.map(([px, py]) => `${px},${py}`).join(' '), stroke: sr.colour}));
    for (const [px, py, v, c] of pts) {
      svg.append(s('circle', {class: 'dot', cx: px, cy: py, r: 3.5, fill: sr.colour}, s('title', {}, `${sr.name ? `${sr.name} · ` : ''}${c}: ${v.toFixed(4)}`)));
    }
  }
  return figure(title, null, svg);
}

// Horizontal stacked bars: one row per label, one segment per status, widths in proportion.
//   rows: [{label, counts: {status: number}}]
function stackedBars({title, rows}) {
  const left = 150, width = 640, rowH = 24, top = 6;
  const statuses = Object.keys(STATUS_COLOURS).filter((st) => rows.some((r) => r.counts[st]));
  const svg = s('svg', {class: 'stacked', width, height: top + rows.length * rowH + 4, viewBox: `0 0 ${width} ${top + rows.length * rowH + 4}`, role: 'img', 'aria-label': title});
  rows.forEach((row, i) => {
    const total = Object.values(row.counts).reduce((a, b) => a + b, 0);
    const yy = top + i * rowH;
    svg.append(s('text', {class: 'label', x: left - 8, y: yy + 15, 'text-anchor': 'end'}, shorten(row.label, 24), s('title', {}, row.label)));
    let x = left;
    for (const st of statuses) {
      const n = row.counts[st] || 0;
      if (!n) continue;
      const w = ((width - left - 60) * n) / total;
      svg.append(s('rect', {class: 'segment', x, y: yy + 3, width: w, height: rowH - 6, fill: STATUS_COLOURS[st]},
        s('title', {}, `${row.label}: ${st} ${n} of ${total} (${((100 * n) / total).toFixed(1)}%)`)));
      x += w;
    }
    svg.append(s('text', {class: 'tick', x: x + 6, y: yy + 15}, String(total)));
  });
  return figure(title, 'samples per final status', legend(statuses.map((st) => ({name: st, colour: STATUS_COLOURS[st]}))), svg);
}

// A metric's value as a point on its interval, on a fixed scale (0-1, or 0-100 for percentages).
function ciBar(metric, v, ci, max) {
  const w = 96, hgt = 14, pad = 4;
  const x = (t) => pad + (Math.max(0, Math.min(max, t)) / max) * (w - 2 * pad);
  const title = `${metric} ${fmt(metric, v)} ${fmtInterval(metric, ci)}`;
  return s('svg', {class: 'cibar', width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': title},
    s('line', {class: 'track', x1: pad, x2: w - pad, y1: hgt / 2, y2: hgt / 2}),
    s('line', {class: 'errbar', x1: x(ci[0]), x2: x(ci[1]), y1: hgt / 2, y2: hgt / 2}),
    s('line', {class: 'errbar', x1: x(ci[0]), x2: x(ci[0]), y1: 3, y2: hgt - 3}),
    s('line', {class: 'errbar', x1: x(ci[1]), x2: x(ci[1]), y1: 3, y2: hgt - 3}),
    typeof v === 'number' ? s('circle', {class: 'dot', cx: x(v), cy: hgt / 2, r: 3}) : null,
    s('title', {}, title));
}
