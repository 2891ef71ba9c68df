// The live page: state from the first server-sent event, then one point per interval.
// Every chart comes from the server's chart specs (built from the metric definitions).
/* global uPlot */
(() => {
  'use strict';
  const COLORS = ['#5aa9ff', '#3ecf8e', '#f5b642', '#ff5d5d', '#b48cff', '#3fd0d4', '#ff8fc8', '#c6d35a', '#ff9f5a', '#8fa3c0'];
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  };

  const data = { times: [], values: new Map(), series: new Map(), capacity: 900 };
  let page;
  const charts = [];

  // ---- formatting ---------------------------------------------------------------------------
  const TIME = { nanosecond: 1e-9, microsecond: 1e-6, millisecond: 1e-3, second: 1 };
  const num = (v, digits = 3) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a !== 0 && a < 0.01) return v.toExponential(1);
    return Number(v.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 3 });
  };
  function format(unit, v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    const rate = unit.endsWith('/s');
    const base = rate ? unit.slice(0, -2) : unit;
    const per = rate ? '/s' : '';
    if (base in TIME) {
      const s = v * TIME[base];
      const a = Math.abs(s);
      if (a === 0) return `0${per ? ' s/s' : ' ms'}`;
      if (a < 1e-3) return `${num(s * 1e6)} µs${per}`;
      if (a < 1) return `${num(s * 1e3)} ms${per}`;
      return `${num(s)} s${per}`;
    }
    if (base === 'byte' || base === 'kilobyte' || base === 'megabyte') {
      const bytes = v * (base === 'kilobyte' ? 1e3 : base === 'megabyte' ? 1e6 : 1);
      const a = Math.abs(bytes);
      if (a < 1024) return `${num(bytes)} B${per}`;
      if (a < 1024 ** 2) return `${num(bytes / 1024)} KiB${per}`;
      if (a < 1024 ** 3) return `${num(bytes / 1024 ** 2)} MiB${per}`;
      return `${num(bytes / 1024 ** 3)} GiB${per}`;
    }
    if (base === 'percent') return `${num(v)} %`;
    return `${num(v)}${base ? ` ${base}` : ''}${per}`;
  }
  const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB');
  const ago = (ms) => {
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
  };
  // Axis steps for bytes: 1, 2, 5 × powers of 1024, so ticks read 2 MiB, 5 MiB, not 4.77 MiB.
  const BYTE_STEPS = [0, 1, 2, 3, 4].flatMap((k) => [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * 1024 ** k));
  const tagText = (tags) => Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(' ');

  // ---- series and charts ------------------------------------------------------------------------
  function addSeries(info) {
    if (data.series.has(info.key)) return;
    data.series.set(info.key, info);
    data.values.set(info.key, data.times.map(() => null));
  }

  /** The lines a chart draws now: [{ key, label }]. */
  function linesOf(chart) {
    const out = [];
    const spec = chart.spec;
    const many = spec.lines.length > 1;
    for (const line of spec.lines) {
      const field = spec.kind === 'percentiles' ? chart.stat : line.field;
      const matches = [...data.series.values()]
        .filter((s) => s.metric === line.metric && s.field === field && (line.combined ? s.combined || Object.keys(s.tags).length === 0 : !s.combined))
        .sort((a, b) => tagText(a.tags).localeCompare(tagText(b.tags)));
      for (const s of matches) {
        const tags = tagText(s.tags);
        const label = spec.kind === 'percentiles' ? tags || 'all' : many ? (tags ? `${line.label} ${tags}` : line.label) : tags || line.label;
        out.push({ key: s.key, label, series: s });
      }
    }
    return out;
  }

  function buildChart(spec) {
    const card = el('div', { class: 'card chart' });
    const head = el('div', { class: 'chart-head' });
    const titles = el('div', {}, el('h2', { text: spec.title }));
    const sub = el('div', { class: 'sub' });
    titles.append(sub);
    head.append(titles);
    const chart = { spec, card, stat: 'p99', plot: undefined, keys: '', legend: el('div', { class: 'legend' }), sub };
    if (spec.kind === 'percentiles') {
      const sw = el('div', { class: 'switch' });
      for (const stat of ['p50', 'p95', 'p99']) {
        const b = el('button', { type: 'button', text: stat });
        if (stat === chart.stat) b.classList.add('on');
        b.addEventListener('click', () => {
          chart.stat = stat;
          for (const x of sw.children) x.classList.toggle('on', x === b);
          chart.keys = '';
          render(chart);
        });
        sw.append(b);
      }
      head.append(sw);
    }
    const box = el('div', { class: 'plot' });
    card.append(head, box, chart.legend);
    chart.box = box;
    $('charts').append(card);
    charts.push(chart);
    return chart;
  }

  function subtitle(chart) {
    const s = chart.spec;
    if (s.kind === 'percentiles') return `${s.description} · ${chart.stat} over the last ${Math.round(page.windowMs / 1000)} s, per tag set`;
    return s.description || s.lines.map((l) => l.metric).join(' vs ');
  }

  function render(chart) {
    const lines = linesOf(chart);
    const keys = lines.map((l) => l.key).join('\n');
    const unit = chart.spec.unit;
    chart.sub.textContent = subtitle(chart);
    if (keys !== chart.keys || chart.plot === undefined) {
      chart.keys = keys;
      chart.lines = lines;
      chart.plot?.destroy();
      const width = Math.max(300, chart.box.clientWidth || chart.card.clientWidth - 28);
      chart.plot = new uPlot(
        {
          width,
          height: 190,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
          axes: [
            { stroke: '#8a93a3', grid: { stroke: '#222836' }, ticks: { stroke: '#222836' } },
            {
              stroke: '#8a93a3', grid: { stroke: '#222836' }, ticks: { stroke: '#222836' }, size: 78,
              values: (u, splits) => splits.map((v) => format(unit, v)),
              ...(unit.startsWith('byte') ? { incrs: BYTE_STEPS } : {}),
            },
          ],
          series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: COLORS[i % COLORS.length], width: 1.6, spanGaps: false, points: { show: false } }))],
        },
        plotData(lines),
        chart.box,
      );
    } else chart.plot.setData(plotData(lines));
    legend(chart);
  }

  function plotData(lines) {
    return [data.times.map((t) => t / 1000), ...lines.map((l) => data.values.get(l.key))];
  }

  function latest(key) {
    const v = data.values.get(key);
    for (let i = v.length - 1; i >= 0 && i >= v.length - 3; i--) if (v[i] !== null) return v[i];
    return null;
  }

  function legend(chart) {
    const items = chart.lines.map((l, i) => {
      const item = el('span', {}, el('span', { class: 'sw' }), l.label);
      item.firstChild.style.background = COLORS[i % COLORS.length];
      if (chart.spec.kind === 'percentiles') {
        const key = (field) => l.key.replace(`|${chart.stat}|`, `|${field}|`);
        const parts = ['p50', 'p95', 'p99'].filter((f) => data.values.has(key(f))).map((f) => `${f} ${format(chart.spec.unit, latest(key(f)))}`);
        if (data.values.has(key('rate'))) parts.push(`${num(latest(key('rate')))}/s`);
        item.append(el('span', { class: 'v', text: parts.join(' · ') }));
      } else item.append(el('span', { class: 'v', text: format(chart.spec.unit, latest(l.key)) }));
      return item;
    });
    if (items.length === 0) items.push(el('span', { class: 'v', text: 'no data yet' }));
    chart.legend.replaceChildren(...items);
  }

  // ---- tables ---------------------------------------------------------------------------------
  function alerts(rows) {
    const body = $('alerts').tBodies[0];
    body.replaceChildren(
      ...rows.map((a) =>
        el(
          'tr',
          { class: a.status },
          el('td', {}, el('span', { class: `status ${a.status}`, text: a.status })),
          el('td', { class: `sev-${a.severity}`, title: a.summary, text: a.name }),
          el('td', { class: 'labels', text: tagText(a.labels) }),
          el('td', { text: `${num(a.value)} (threshold ${num(a.threshold)})` }),
          el('td', { text: a.status === 'firing' ? ago(a.startsAt) : `${clock(a.startsAt)}–${clock(a.endsAt)}` }),
        ),
      ),
    );
    const firing = rows.filter((a) => a.status === 'firing').length;
    $('alert-count').textContent = `${firing} firing`;
    $('alert-count').classList.toggle('firing', firing > 0);
    $('no-alerts').hidden = rows.length > 0;
  }

  function exceptions(rows) {
    const body = $('exceptions').tBodies[0];
    body.replaceChildren(
      ...rows.slice(0, 20).map((x) => {
        const link = x.trace ? el('a', { href: `#trace=${encodeURIComponent(x.correlationId)}`, text: x.correlationId }) : el('span', { class: 'labels', text: x.correlationId ?? '–' });
        return el(
          'tr',
          {},
          el('td', { text: clock(x.time) }),
          el('td', { title: x.detail, text: x.detail ? `${x.name} (${x.detail})` : x.name }),
          el('td', { class: 'reason', title: x.reason }, el('div', { class: 'clamp', text: x.reason })),
          el('td', {}, link),
        );
      }),
    );
    $('exception-count').textContent = String(rows.length);
    $('no-exceptions').hidden = rows.length > 0;
  }

  // ---- trace view -----------------------------------------------------------------------------
  async function showTrace(id) {
    const res = await fetch(`/api/trace?id=${encodeURIComponent(id)}`);
    $('trace-title').textContent = `trace of ${id}`;
    $('trace-download').href = `/api/trace?id=${encodeURIComponent(id)}&download=1`;
    const body = $('trace-body');
    if (!res.ok) {
      body.replaceChildren(el('p', { class: 'empty', text: (await res.json()).error }));
    } else body.replaceChildren(...waterfall(await res.json()));
    $('trace').hidden = false;
  }

  function waterfall(trace) {
    const spans = [];
    const open = new Map();
    const threads = new Map();
    for (const e of trace.traceEvents) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}/${e.tid}`, e.args.name);
    for (const e of trace.traceEvents) {
      if (e.ph === 'b') {
        const key = `${e.cat}/${e.id}`;
        if (!open.has(key)) open.set(key, []);
        open.get(key).push(e);
      } else if (e.ph === 'e') {
        const b = open.get(`${e.cat}/${e.id}`).pop();
        spans.push({ name: b.name, args: b.args, start: b.ts, end: e.ts, error: e.args.error, gpu: false });
      } else if (e.ph === 'X' && threads.get(`${e.pid}/${e.tid}`) === 'queue (GPU time)') {
        spans.push({ name: `GPU time: ${e.name}`, args: { spanId: -1, parentSpanId: e.args.spanId }, start: e.ts, end: e.ts + e.dur, gpu: true });
      }
    }
    if (spans.length === 0) return [el('p', { class: 'empty', text: 'no spans' })];
    const t0 = Math.min(...spans.map((s) => s.start));
    const t1 = Math.max(...spans.map((s) => s.end));
    const depth = new Map();
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const byId = new Map(spans.filter((s) => !s.gpu).map((s) => [s.args.spanId, s]));
    const depthOf = (s) => {
      if (depth.has(s)) return depth.get(s);
      const parent = byId.get(s.args.parentSpanId);
      const d = parent === undefined || parent === s ? 0 : depthOf(parent) + 1;
      depth.set(s, d);
      return d;
    };
    const span = t1 - t0 || 1;
    return spans.map((s) => {
      const bar = el('div', { class: `bar${s.gpu ? ' gpu' : ''}${s.error ? ' failed' : ''}` });
      bar.style.left = `${((s.start - t0) / span) * 100}%`;
      bar.style.width = `${((s.end - s.start) / span) * 100}%`;
      const extra = s.args.kernel ?? s.args.direction ?? s.args.failure ?? '';
      const name = el('div', { class: `name${s.error ? ' error' : ''}`, title: s.error ?? '', text: `${'\u00a0\u00a0'.repeat(depthOf(s))}${s.name}${extra ? ` · ${extra}` : ''}` });
      return el('div', { class: 'row' }, name, el('div', { class: 'lane' }, bar), el('div', { class: 'dur', text: format('microsecond', s.end - s.start) }));
    });
  }

  function route() {
    const m = /^#trace=(.+)$/.exec(location.hash);
    if (m) void showTrace(decodeURIComponent(m[1]));
    else $('trace').hidden = true;
  }
  $('trace-close').addEventListener('click', () => {
    history.replaceState(null, '', location.pathname);
    $('trace').hidden = true;
  });
  window.addEventListener('hashchange', route);

  // ---- profile ----------------------------------------------------------------------------------
  $('record').addEventListener('click', async () => {
    const button = $('record');
    button.disabled = true;
    let left = 5;
    button.textContent = `recording… ${left} s`;
    const countdown = setInterval(() => (button.textContent = `recording… ${Math.max(0, --left)} s`), 1000);
    try {
      const res = await fetch('/api/profile?seconds=5');
      const blob = await res.blob();
      if (!res.ok) throw new Error(await blob.text());
      const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'profile.json';
      const a = el('a', { href: URL.createObjectURL(blob), download: name, text: name });
      $('recorded').replaceChildren(a, el('span', { class: 'labels', text: ' (open in ui.perfetto.dev or chrome://tracing)' }));
    } catch (error) {
      $('recorded').textContent = `profile failed: ${error.message}`;
    } finally {
      clearInterval(countdown);
      button.disabled = false;
      button.textContent = 'Record 5 s profile';
    }
  });

  // ---- state and stream ---------------------------------------------------------------------------
  function init(state) {
    page = state;
    data.capacity = Math.max(state.times.length, 900);
    data.times = [...state.times];
    data.series.clear();
    data.values.clear();
    for (const s of state.series) {
      data.series.set(s.key, s);
      data.values.set(s.key, [...(state.values[s.key] ?? data.times.map(() => null))]);
    }
    document.title = `${state.title} · live`;
    $('title').textContent = state.title;
    $('facts').replaceChildren(...Object.entries(state.facts).map(([k, v]) => el('span', {}, `${k}: `, el('b', { text: v }))));
    $('links').replaceChildren(...Object.entries(state.links).map(([k, v]) => el('a', { href: v, text: k, target: '_blank' })));
    const hasPercentiles = state.charts.some((c) => c.kind === 'percentiles');
    $('note').textContent = hasPercentiles
      ? `Percentiles are HDR-histogram values over the last ${Math.round(state.windowMs / 1000)} s (within 1%); Prometheus' histogram_quantile() interpolates inside bucket bounds, so its p99 can differ.`
      : '';
    $('charts').replaceChildren();
    charts.length = 0;
    for (const spec of state.charts) buildChart(spec);
    for (const c of charts) render(c);
    alerts(state.alerts);
    exceptions(state.exceptions);
    route();
  }

  function tick(msg) {
    if (page === undefined || (data.times.length > 0 && msg.t <= data.times[data.times.length - 1])) return;
    for (const s of msg.series ?? []) addSeries(s);
    data.times.push(msg.t);
    for (const [key, column] of data.values) column.push(msg.values[key] ?? null);
    if (data.times.length > data.capacity) {
      const drop = data.times.length - data.capacity;
      data.times.splice(0, drop);
      for (const column of data.values.values()) column.splice(0, drop);
    }
    for (const c of charts) render(c);
    if (msg.alerts) alerts(msg.alerts);
    if (msg.exceptions) exceptions(msg.exceptions);
    $('status').textContent = `updated ${clock(msg.t)} · ${data.times.length} points kept (every ${page.intervalMs / 1000} s) · ${data.series.size} series · live over server-sent events`;
  }

  const source = new EventSource('/api/events');
  source.addEventListener('state', (e) => {
    init(JSON.parse(e.data));
    $('dot').classList.add('live');
  });
  source.onmessage = (e) => tick(JSON.parse(e.data));
  source.onerror = () => {
    $('dot').classList.remove('live');
    $('status').textContent = 'disconnected: reconnecting…';
  };
  // For tests and the console: what each chart draws now.
  window.rxLivePage = {
    charts: () =>
      charts.map((c) => ({
        title: c.spec.title,
        lines: c.lines.length,
        points: data.times.length,
        nonZero: c.lines.reduce((n, l) => n + data.values.get(l.key).filter((v) => v !== null && v !== 0).length, 0),
        canvas: c.box.querySelector('canvas') !== null,
      })),
  };
  window.addEventListener('resize', () => {
    for (const c of charts) {
      c.keys = '';
      render(c);
    }
  });
})();
