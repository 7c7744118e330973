// Page 2: the campaign's experiments as a table: status, source (engine / researcher name),
// rationale, predictions and results; sort by any column, filter by text/status/source; inline
// result entry; start / fail / withdraw / correct with a reason; retract a measured (done) row
// found invalid afterwards (POST .../fail: it becomes failed, its values stay, struck through, and
// in the history); each row's history; CSV import (drag and drop, line-numbered errors, all or
// nothing) and export. Live refresh: while the tab is visible the table polls the API every
// REFRESH_MS, so changes by colleagues (CLI, another browser) appear without a reload; values typed
// but not saved yet are drafts that survive any redraw (and the focus stays), and
// "updated hh:mm:ss" tells how fresh the table is. The polling stops when the page is left.
import {ApiError, campaignPath, get, post} from './api.js';
import {askFields, clear, fmt, fmtPrediction, fmtTime, h, toast} from './util.js';

// How often the table asks the server for changes while the tab is visible.
const REFRESH_MS = 3000;

// "hh:mm:ss" (24 h, local time).
function clock(date) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((n) => String(n).padStart(2, '0')).join(':');
}

export async function render(root, ctx) {
  const c = ctx.campaign;
  const params = c.space.parameters;
  const objectives = c.objectives;
  const primary = objectives[0].name;
  const view = {sortKey: 'id', sortDir: 1, text: '', status: '', source: '', open: new Set()};
  let experiments = [];
  let shown = '';  // the experiments as last drawn (JSON text): redraw only on a change
  // Result values typed but not saved yet: "ID/objective" -> text. Kept across redraws (a
  // colleague's change arriving, sorting, filtering) until saved or the row stops taking results.
  const drafts = new Map();

  const tableBox = h('div', {class: 'table-box'});
  const importErrors = h('div', {id: 'import-errors'});
  const counter = h('span', {class: 'muted', id: 'row-count'});
  const refreshNote = h('span', {class: 'muted small-text', id: 'refresh-note'});

  async function reload() {
    const list = (await get(campaignPath(c.name, '/experiments'))).experiments;
    refreshNote.textContent = `updated ${clock(new Date())}`;
    refreshNote.title = `the table asks the server for changes every ${REFRESH_MS / 1000} s ` +
      'while this tab is visible';
    const text = JSON.stringify(list);
    if (text === shown) return;
    shown = text;
    experiments = list;
    // A draft for a row someone else has measured, failed or withdrawn meanwhile cannot be saved.
    const open = new Set(experiments.filter((e) => e.status === 'proposed' ||
      e.status === 'running').map((e) => String(e.id)));
    for (const [key, value] of drafts) {
      const [id, objective] = key.split('/');
      if (open.has(id)) continue;
      drafts.delete(key);
      toast(`#${id} was changed meanwhile; your unsaved ${objective} = ${value} was not kept`,
        'error');
    }
    draw();
  }

  // Live refresh (see the file comment): one request at a time, none while the tab is hidden.
  let polling = false;
  async function poll() {
    if (!tableBox.isConnected) {  // the page was left: stop
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      return;
    }
    if (polling || document.visibilityState !== 'visible') return;
    polling = true;
    try {
      await reload();
    } catch (error) {
      refreshNote.textContent = `refresh failed (${error instanceof ApiError ? error.code
        : error.message}); retrying`;
    } finally {
      polling = false;
    }
  }
  const timer = setInterval(poll, REFRESH_MS);
  function onVisible() {
    if (document.visibilityState === 'visible') poll();
  }
  document.addEventListener('visibilitychange', onVisible);

  function cellValue(e, key) {
    if (key === 'id' || key === 'status' || key === 'source' || key === 'proposer') return e[key];
    if (key === 'batch') return e.batch_id ?? -1;
    if (key === 'rationale') return e.reason || e.rationale || '';
    if (key.startsWith('p:')) return e.params[key.slice(2)];
    if (key.startsWith('r:')) {
      const r = e.results[key.slice(2)];
      return r ? r.value : null;
    }
    if (key === 'pred') {
      const p = e.prediction?.[primary];
      return p?.median ?? p?.mean ?? null;
    }
    return null;
  }

  function matches(e) {
    if (view.status && e.status !== view.status) return false;
    if (view.source && e.source !== view.source) return false;
    if (!view.text) return true;
    const hay = [e.id, e.status, e.source, e.proposer, e.rationale, e.reason,
      ...Object.values(e.params)].join(' ').toLowerCase();
    return hay.includes(view.text.toLowerCase());
  }

  function sorted() {
    const rows = experiments.filter(matches);
    rows.sort((a, b) => {
      const x = cellValue(a, view.sortKey);
      const y = cellValue(b, view.sortKey);
      if (x === y) return a.id - b.id;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * view.sortDir;
    });
    return rows;
  }

  const columns = [
    ['id', '#'], ['status', 'status'], ['source', 'source'], ['proposer', 'proposer'],
    ['batch', 'batch'],
    ...params.map((p) => [`p:${p.name}`, p.unit ? `${p.name} [${p.unit}]` : p.name]),
    ['rationale', 'rationale / reason'],
    ['pred', objectives[0].scale === 'log' ? `predicted ${primary} (median, 2σ range)`
      : `predicted ${primary} (mean ± sd)`],
    ...objectives.map((o) => [`r:${o.name}`, o.unit ? `${o.name} [${o.unit}]` : o.name]),
  ];

  async function act(promise, message) {
    try {
      await promise;
      toast(message, 'ok');
      await reload();
    } catch (error) {
      toast(error instanceof ApiError ? `${error.code}: ${error.describe()}` : String(error),
        'error');
    }
  }

  function resultInputs(e) {
    // A failed row with values was measured, then retracted: shown struck through.
    const retracted = e.status === 'failed';
    return objectives.map((o) => {
      if (e.results[o.name]) {
        const r = e.results[o.name];
        return h('td', {class: retracted ? 'num retracted' : 'num',
          title: `${retracted ? 'retracted; ' : ''}by ${r.by} at ${fmtTime(r.at)}`},
          fmt(r.value), r.uncertainty !== null && r.uncertainty !== undefined
            ? h('span', {class: 'muted'}, ` ± ${fmt(r.uncertainty)}`) : null);
      }
      if (e.status === 'proposed' || e.status === 'running') {
        const key = `${e.id}/${o.name}`;
        const input = h('input', {type: 'number', step: 'any', class: 'result-input',
          dataset: {objective: o.name}, size: 9, placeholder: o.name,
          oninput: (event) => {
            const value = event.target.value;
            if (value === '') drafts.delete(key); else drafts.set(key, value);
          },
          onkeydown: (event) => { if (event.key === 'Enter') saveResults(e, event.target); }});
        if (drafts.has(key)) input.value = drafts.get(key);
        return h('td', {}, input);
      }
      return h('td', {class: 'muted'}, '—');
    });
  }

  function saveResults(e, from) {
    const row = from.closest('tr');
    const results = {};
    for (const input of row.querySelectorAll('.result-input')) {
      if (input.value !== '') results[input.dataset.objective] = Number(input.value);
    }
    if (!Object.keys(results).length) {
      toast('enter a value first', 'error');
      return;
    }
    act(post(campaignPath(c.name, `/experiments/${e.id}/result`), {results}).then((answer) => {
      for (const o of objectives) drafts.delete(`${e.id}/${o.name}`);
      return answer;
    }), `results recorded for #${e.id}`);
  }

  // Asks for a reason in the page's dialog, then POSTs it to .../experiments/ID/<endpoint>.
  async function withReason(e, verb, endpoint = verb.toLowerCase(), title = `${verb} #${e.id}`) {
    const values = await askFields(title, [
      {name: 'reason', label: 'Reason (kept in the history)', type: 'textarea', required: true}],
    verb);
    if (!values) return;
    act(post(campaignPath(c.name, `/experiments/${e.id}/${endpoint}`),
      {reason: values.reason}), `#${e.id}: ${verb.toLowerCase()}`);
  }

  async function correct(e) {
    const values = await askFields(`Correct a result of #${e.id}`, [
      {name: 'objective', label: 'Objective', options: Object.keys(e.results)},
      {name: 'value', label: 'Corrected value', type: 'number', required: true},
      {name: 'uncertainty', label: 'Uncertainty (1 sd, optional)', type: 'number'},
      {name: 'reason', label: 'Reason (kept in the history)', type: 'textarea', required: true}],
    'Correct');
    if (!values) return;
    const body = {objective: values.objective, value: values.value, reason: values.reason};
    if (values.uncertainty !== null) body.uncertainty = values.uncertainty;
    act(post(campaignPath(c.name, `/experiments/${e.id}/correct`), body),
      `#${e.id}: ${values.objective} corrected`);
  }

  function actions(e) {
    const buttons = [];
    const open = e.status === 'proposed' || e.status === 'running';
    if (open) {
      buttons.push(h('button', {class: 'small primary', dataset: {action: 'save'},
        onclick: (event) => saveResults(e, event.target)}, 'Save result'));
    }
    if (e.status === 'proposed') {
      buttons.push(h('button', {class: 'small', dataset: {action: 'start'},
        onclick: () => act(post(campaignPath(c.name, `/experiments/${e.id}/start`)),
          `#${e.id} started`)}, 'Start'));
    }
    if (open) {
      buttons.push(h('button', {class: 'small', dataset: {action: 'fail'},
        onclick: () => withReason(e, 'Fail')}, 'Fail'));
      buttons.push(h('button', {class: 'small', dataset: {action: 'withdraw'},
        onclick: () => withReason(e, 'Withdraw')}, 'Withdraw'));
    }
    if (e.status === 'done') {
      buttons.push(h('button', {class: 'small', dataset: {action: 'correct'},
        onclick: () => correct(e)}, 'Correct'));
      // done -> failed: the measurement was invalid; values and history are kept.
      buttons.push(h('button', {class: 'small', dataset: {action: 'retract'},
        title: 'The measurement was invalid: mark failed; the values stay in the history',
        onclick: () => withReason(e, 'Retract', 'fail',
          `Retract the measured result of #${e.id} (it becomes failed; the model and best ` +
          'no longer use it)')}, 'Retract'));
    }
    buttons.push(h('button', {class: 'small', dataset: {action: 'history'},
      onclick: () => {
        if (view.open.has(e.id)) view.open.delete(e.id); else view.open.add(e.id);
        draw();
      }}, view.open.has(e.id) ? 'Hide history' : 'History'));
    return h('td', {class: 'actions'}, buttons);
  }

  // Inserted parameters as "name=value", in the spec's order (the JSON object is alphabetical).
  function paramsText(values) {
    if (!values || typeof values !== 'object') return JSON.stringify(values);
    const known = params.filter((p) => p.name in values).map((p) => p.name);
    const rest = Object.keys(values).filter((name) => !known.includes(name));
    return [...known, ...rest].map((name) => `${name}=${fmt(values[name])}`).join(' ');
  }

  function historyRow(e, span) {
    const cell = h('td', {colspan: span, class: 'history'}, h('span', {class: 'muted'}, 'Loading…'));
    get(campaignPath(c.name, `/experiments/${e.id}`)).then(({experiment}) => {
      clear(cell, h('table', {class: 'grid history-table'},
        h('thead', {}, h('tr', {}, ['seq', 'when', 'who', 'action', 'field', 'old → new', 'reason']
          .map((t) => h('th', {}, t)))),
        h('tbody', {}, experiment.history.map((entry) => h('tr', {},
          h('td', {class: 'num'}, entry.seq), h('td', {}, fmtTime(entry.at)), h('td', {}, entry.who),
          h('td', {}, entry.action), h('td', {}, entry.field),
          h('td', {class: 'mono small-text'}, entry.action === 'insert'
            ? paramsText(entry.new?.params ?? entry.new)
            : `${JSON.stringify(entry.old)} → ${JSON.stringify(entry.new)}`),
          h('td', {}, entry.reason || ''))))));
    }).catch((error) => clear(cell, String(error)));
    return h('tr', {class: 'history-row'}, cell);
  }

  function draw() {
    // The focused result input, to focus its replacement after the redraw.
    const active = document.activeElement;
    const focused = active?.classList?.contains('result-input') && tableBox.contains(active)
      ? `tr[data-id="${active.closest('tr').dataset.id}"] ` +
        `input.result-input[data-objective="${active.dataset.objective}"]` : null;
    const rows = sorted();
    counter.textContent = `${rows.length} of ${experiments.length} experiments`;
    const head = h('tr', {}, columns.map(([key, label]) => h('th', {
      class: 'sortable', dataset: {key},
      onclick: () => {
        view.sortDir = view.sortKey === key ? -view.sortDir : 1;
        view.sortKey = key;
        draw();
      }}, label, view.sortKey === key ? (view.sortDir > 0 ? ' ▲' : ' ▼') : '')), h('th', {}, ''));
    const body = h('tbody', {});
    for (const e of rows) {
      const pred = e.prediction?.[primary];
      body.append(h('tr', {class: `status-${e.status}`, dataset: {id: e.id}},
        h('td', {class: 'num'}, e.id),
        h('td', {}, h('span', {class: `badge ${e.status}`}, e.status)),
        h('td', {}, h('span', {class: `badge src-${e.source}`}, e.source)),
        h('td', {}, e.proposer),
        h('td', {class: 'num'}, e.batch_id ?? '—'),
        params.map((p) => h('td', {class: 'num'}, fmt(e.params[p.name]))),
        h('td', {class: 'rationale', title: e.reason || e.rationale},
          e.reason ? h('span', {class: 'reason'}, `reason: ${e.reason}`) : e.rationale,
          (e.flags || []).map((f) => h('span', {class: 'badge warn'}, f))),
        h('td', {class: 'num'}, fmtPrediction(pred) ?? '—'),
        resultInputs(e),
        actions(e)));
      if (view.open.has(e.id)) body.append(historyRow(e, columns.length + 1));
    }
    clear(tableBox, h('table', {class: 'grid data-table', id: 'data-table'}, h('thead', {}, head),
      body));
    if (focused) tableBox.querySelector(focused)?.focus();
  }

  async function importText(text, layout) {
    clear(importErrors);
    try {
      const body = {csv: text, duplicates: duplicatesSelect.value};
      if (layout) body.layout = layout;
      const result = await post(campaignPath(c.name, '/import'), body);
      const skipped = result.skipped_lines.length ?
        `; skipped ${result.skipped_lines.length} row(s) already in the campaign` : '';
      toast(`imported ${result.imported} experiments (${result.layout} layout)${skipped}`, 'ok');
      if (result.warnings.length) {
        clear(importErrors, h('div', {class: 'card warn'}, h('strong', {}, 'Imported with warnings'),
          h('ul', {}, result.warnings.map((w) => h('li', {}, `${w.path}: ${w.message}`)))));
      }
      await reload();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      clear(importErrors, h('div', {class: 'card error', id: 'import-error-list'},
        h('strong', {}, `Nothing imported: ${error.issues.length || 1} problem(s)`),
        h('ul', {}, (error.issues.length ? error.issues : [{path: '', message: error.message}])
          .map((i) => h('li', {}, h('span', {class: 'mono'}, i.path || 'file'), ': ', i.message)))));
    }
  }

  const layoutSelect = h('select', {id: 'import-layout'},
    h('option', {value: ''}, 'layout: detect'), h('option', {value: 'boxvia'}, 'boxvia'),
    h('option', {value: 'full'}, 'full'));
  // Rows already in the campaign (a file imported twice): done experiments are never deleted.
  const duplicatesSelect = h('select', {id: 'import-duplicates'},
    h('option', {value: 'refuse'}, 'rows already imported: refuse the file'),
    h('option', {value: 'skip'}, 'rows already imported: skip them'),
    h('option', {value: 'import'}, 'rows already imported: import again'));
  const fileInput = h('input', {type: 'file', id: 'csv-file', accept: '.csv,text/csv',
    onchange: async () => {
      if (fileInput.files[0]) await importText(await fileInput.files[0].text(), layoutSelect.value);
      fileInput.value = '';
    }});
  const drop = h('div', {class: 'drop-zone', id: 'csv-drop'},
    'Drop a CSV file here to import it (BOXVIA layout: inputs first, objective last; or kyoso full).',
    ' ', fileInput);
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer.files[0];
    if (file) await importText(await file.text(), layoutSelect.value);
  });

  const filters = h('div', {class: 'toolbar'},
    h('input', {type: 'search', id: 'filter-text', placeholder: 'filter…',
      oninput: (event) => { view.text = event.target.value; draw(); }}),
    h('select', {id: 'filter-status', onchange: (event) => { view.status = event.target.value; draw(); }},
      ['', 'proposed', 'running', 'done', 'failed', 'withdrawn'].map((s) =>
        h('option', {value: s}, s || 'any status'))),
    h('select', {id: 'filter-source', onchange: (event) => { view.source = event.target.value; draw(); }},
      ['', 'engine', 'researcher', 'import'].map((s) => h('option', {value: s}, s || 'any source'))),
    counter, refreshNote,
    h('span', {class: 'spacer'}),
    h('a', {class: 'button', id: 'export-boxvia',
      href: campaignPath(c.name, '/export?format=boxvia'), download: `${c.name}-boxvia.csv`},
    'Export CSV (BOXVIA)'),
    h('a', {class: 'button', id: 'export-full', href: campaignPath(c.name, '/export?format=full'),
      download: `${c.name}-full.csv`}, 'Export CSV (full)'));

  clear(root,
    h('section', {class: 'card'}, h('h2', {}, `${c.name}: experiments`),
      c.spec?.description ? h('p', {class: 'muted'}, c.spec.description) : null,
      filters, tableBox),
    h('section', {class: 'card'}, h('h3', {}, 'Import'),
      h('div', {class: 'toolbar'}, layoutSelect, duplicatesSelect), drop, importErrors));
  await reload();
}
