// Page 1: the campaigns of this database and the creation form. The form builds a spec (the JSON
// of docs/spec.md) and, as you type, asks POST /api/spec/check, which runs the real spec and
// constraint parsers: each issue is shown at its field; a constraint's "line:col" message is shown
// under the text with a caret at the column.
import {ApiError, get, post} from './api.js';
import {clear, debounce, fmtTime, h, toast} from './util.js';

const KINDS = ['continuous', 'integer', 'discrete', 'categorical'];

export async function render(root, ctx) {
  const list = (await get('/api/campaigns')).campaigns;
  const table = list.length
    ? h('table', {class: 'grid', id: 'campaign-list'},
      h('thead', {}, h('tr', {}, ['Campaign', 'Experiments', 'Status', 'Created', 'By']
        .map((t) => h('th', {}, t)))),
      h('tbody', {}, list.map((c) => h('tr', {},
        h('td', {}, h('a', {href: `#/c/${encodeURIComponent(c.name)}/data`}, c.name)),
        h('td', {class: 'num'}, c.num_experiments),
        h('td', {}, Object.entries(c.counts || {}).map(([k, v]) => `${k} ${v}`).join(', ') || '—'),
        h('td', {}, fmtTime(c.created_at)),
        h('td', {}, c.created_by)))))
    : h('p', {class: 'muted'}, 'No campaign yet: create one below (or run `kyoso demo`).');
  clear(root,
    h('section', {class: 'card'}, h('h2', {}, 'Campaigns'), table),
    h('section', {class: 'card'}, h('h2', {}, 'New campaign'), creationForm(ctx)));
}

function creationForm(ctx) {
  const paramBody = h('tbody', {id: 'param-rows'});
  const objectiveBody = h('tbody', {id: 'objective-rows'});
  const constraintList = h('div', {id: 'constraint-rows'});
  const nameInput = h('input', {name: 'name', id: 'campaign-name', required: true,
    placeholder: 'ba122-sps', pattern: '[A-Za-z0-9_.\\-]+'});
  const description = h('input', {name: 'description', id: 'campaign-description', size: 60,
    placeholder: 'optional'});
  const status = h('div', {class: 'spec-status', id: 'spec-status'});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'create-campaign'},
    'Create campaign');

  function fieldInput(name, attrs = {}) {
    return h('input', {name, ...attrs, oninput: validate});
  }

  function addParameter(p = {}) {
    const type = h('select', {name: 'type', onchange: () => { sync(); validate(); }},
      KINDS.map((k) => h('option', {value: k, selected: k === (p.type || 'continuous')}, k)));
    const cells = {
      name: fieldInput('name', {value: p.name || '', placeholder: 'max_temp', size: 14}),
      type,
      low: fieldInput('low', {type: 'number', step: 'any', value: p.low ?? '', size: 7}),
      high: fieldInput('high', {type: 'number', step: 'any', value: p.high ?? '', size: 7}),
      step: fieldInput('step', {type: 'number', step: 'any', value: p.step ?? '', size: 5}),
      choices: fieldInput('choices', {value: (p.choices || []).join(', '), placeholder: 'Ar, vacuum',
        size: 14}),
      unit: fieldInput('unit', {value: p.unit || '', placeholder: 'degC', size: 8}),
      log: h('input', {name: 'log', type: 'checkbox', checked: p.scale === 'log',
        onchange: validate}),
    };
    const row = h('tr', {class: 'param-row'},
      Object.entries(cells).map(([k, el]) => h('td', {dataset: {field: k}}, el)),
      h('td', {}, h('button', {type: 'button', class: 'small', title: 'remove',
        onclick: () => { row.remove(); validate(); }}, '×')));
    row.fields = cells;
    function sync() {
      const kind = type.value;
      cells.low.disabled = cells.high.disabled = kind === 'categorical';
      cells.step.disabled = kind !== 'discrete';
      cells.choices.disabled = kind !== 'categorical';
      cells.log.disabled = kind !== 'continuous';
    }
    sync();
    paramBody.append(row);
    return row;
  }

  function addObjective(o = {}) {
    const cells = {
      name: fieldInput('name', {value: o.name || '', placeholder: 'jc', size: 14}),
      direction: h('select', {name: 'direction', onchange: validate},
        ['maximize', 'minimize'].map((d) => h('option', {value: d,
          selected: d === (o.direction || 'maximize')}, d))),
      unit: fieldInput('unit', {value: o.unit || '', placeholder: 'A/cm^2', size: 10}),
      log: h('input', {name: 'log', type: 'checkbox', checked: o.scale === 'log',
        title: 'model ln(value): for quantities spanning decades, e.g. Jc', onchange: validate}),
      exact: h('input', {name: 'exact', type: 'checkbox', checked: o.noise === 'none',
        title: 'repeats exactly (a deterministic simulation): no measurement noise is learned',
        onchange: validate}),
      warp: h('input', {name: 'warp', type: 'checkbox', checked: o.warp !== 'none',
        title: 'warp the values by a fitted power transform before modelling (the default; ' +
          'predictions stay in the objective\'s unit)', onchange: validate}),
    };
    const row = h('tr', {class: 'objective-row'},
      Object.entries(cells).map(([k, el]) => h('td', {dataset: {field: k}}, el)),
      h('td', {}, h('button', {type: 'button', class: 'small',
        onclick: () => { row.remove(); validate(); }}, '×')));
    row.fields = cells;
    objectiveBody.append(row);
  }

  function addConstraint(text = '') {
    const input = h('input', {class: 'constraint-input mono', value: text, size: 60,
      placeholder: 'max_temp - 20*hold_time <= 600', oninput: validate});
    const message = h('div', {class: 'constraint-message'});
    const row = h('div', {class: 'constraint-row'}, input,
      h('button', {type: 'button', class: 'small',
        onclick: () => { row.remove(); validate(); }}, '×'), message);
    row.input = input;
    row.message = message;
    constraintList.append(row);
  }

  function buildSpec() {
    const spec = {name: nameInput.value.trim(), parameters: [], objectives: [], constraints: []};
    if (description.value.trim()) spec.description = description.value.trim();
    for (const row of paramBody.children) {
      const c = row.fields;
      const p = {name: c.name.value.trim(), type: c.type.value};
      if (p.type === 'categorical') {
        p.choices = c.choices.value.split(',').map((s) => s.trim()).filter(Boolean);
      } else {
        if (c.low.value !== '') p.low = Number(c.low.value);
        if (c.high.value !== '') p.high = Number(c.high.value);
        if (p.type === 'discrete' && c.step.value !== '') p.step = Number(c.step.value);
        if (p.type === 'continuous' && c.log.checked) p.scale = 'log';
      }
      if (c.unit.value.trim()) p.unit = c.unit.value.trim();
      spec.parameters.push(p);
    }
    for (const row of objectiveBody.children) {
      const c = row.fields;
      const o = {name: c.name.value.trim(), direction: c.direction.value};
      if (c.unit.value.trim()) o.unit = c.unit.value.trim();
      if (c.log.checked) o.scale = 'log';
      if (c.exact.checked) o.noise = 'none';
      if (!c.warp.checked) o.warp = 'none';
      spec.objectives.push(o);
    }
    for (const row of constraintList.children) {
      if (row.input.value.trim()) spec.constraints.push(row.input.value);
    }
    return spec;
  }

  // Maps issue paths to the inputs they name.
  function target(path) {
    let m = path.match(/^\/parameters\/(\d+)(?:\/(\w+))?/);
    if (m) {
      const row = paramBody.children[Number(m[1])];
      if (!row) return null;
      const key = {scale: 'log', type: 'type'}[m[2]] || m[2] || 'name';
      return row.fields[key] || row.fields.name;
    }
    m = path.match(/^\/objectives\/(\d+)(?:\/(\w+))?/);
    if (m) {
      const row = objectiveBody.children[Number(m[1])];
      const key = {scale: 'log'}[m[2]] || m[2];
      return row ? (row.fields[key] || row.fields.name) : null;
    }
    if (path === '/name') return nameInput;
    return null;
  }

  // Constraint issues are at /constraints/j (j counts non-empty texts) with "line:col: ...".
  function showConstraintIssue(index, issue) {
    const rows = [...constraintList.children].filter((r) => r.input.value.trim());
    const row = rows[index];
    if (!row) return false;
    row.input.classList.add('invalid');
    const m = issue.message.match(/^(\d+):(\d+):\s*(.*)$/);
    if (m) {
      const column = Number(m[2]);
      clear(row.message,
        h('pre', {class: 'caret mono'}, `${row.input.value}\n${' '.repeat(Math.max(0, column - 1))}^`),
        h('span', {class: 'issue'}, `column ${column}: ${m[3]}`));
    } else {
      clear(row.message, h('span', {class: 'issue'}, issue.message));
    }
    row.message.dataset.code = issue.code;
    return true;
  }

  let generation = 0;
  const check = debounce(async () => {
    const mine = ++generation;
    const spec = buildSpec();
    let result;
    try {
      result = await post('/api/spec/check', spec);
    } catch (error) {
      clear(status, h('span', {class: 'issue'}, error.message));
      return;
    }
    if (mine !== generation) return;  // a newer check is under way
    for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
    for (const el of form.querySelectorAll('.field-issue')) el.remove();
    for (const row of constraintList.children) {
      clear(row.message);
      delete row.message.dataset.code;
    }
    const general = [];
    for (const issue of result.issues) {
      const m = issue.path.match(/^\/constraints\/(\d+)/);
      if (m && showConstraintIssue(Number(m[1]), issue)) continue;
      const el = target(issue.path);
      if (el) {
        el.classList.add('invalid');
        el.title = issue.message;
        el.parentElement.append(h('div', {class: 'field-issue'}, issue.message));
      } else {
        general.push(issue);
      }
    }
    clear(status, result.ok
      ? h('span', {class: 'ok'}, '✓ spec is valid')
      : [h('span', {class: 'issue'}, `${result.issues.length} problem(s)`),
        general.map((i) => h('div', {class: 'field-issue'}, `${i.path || 'spec'}: ${i.message}`))]);
    submit.disabled = !result.ok;
  }, 200);
  function validate() { check(); }

  const form = h('form', {id: 'campaign-form', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const created = await post('/api/campaigns', buildSpec());
      toast(`Campaign ${created.campaign.name} created`, 'ok');
      ctx.navigate(`#/c/${encodeURIComponent(created.campaign.name)}/data`);
    } catch (error) {
      toast(error instanceof ApiError ? error.describe() : String(error), 'error');
    }
  }},
  h('div', {class: 'form-line'},
    h('label', {class: 'field'}, h('span', {}, 'Name'), nameInput),
    h('label', {class: 'field'}, h('span', {}, 'Description'), description)),
  h('h3', {}, 'Parameters'),
  h('table', {class: 'grid form-grid'},
    h('thead', {}, h('tr', {}, ['name', 'kind', 'low', 'high', 'step', 'choices', 'unit', 'log', '']
      .map((t) => h('th', {}, t)))),
    paramBody),
  h('button', {type: 'button', id: 'add-parameter', onclick: () => { addParameter(); validate(); }},
    '+ parameter'),
  h('h3', {}, 'Objectives'),
  h('table', {class: 'grid form-grid'},
    h('thead', {}, h('tr', {}, ['name', 'direction', 'unit', 'log', 'exact', 'warp', ''].map((t) => h('th', {}, t)))),
    objectiveBody),
  h('button', {type: 'button', id: 'add-objective', onclick: () => { addObjective(); validate(); }},
    '+ objective'),
  h('h3', {}, 'Constraints'),
  h('p', {class: 'muted'}, 'Text over parameter names, e.g. max_temp - 20*hold_time <= 600 ',
    '(+ - * / ^, parentheses, exp log sqrt abs min max pow, <= >= < >). Checked by the parser as you type.'),
  constraintList,
  h('button', {type: 'button', id: 'add-constraint', onclick: () => { addConstraint(); }},
    '+ constraint'),
  h('div', {class: 'form-line submit-line'}, submit, status));
  nameInput.addEventListener('input', validate);
  description.addEventListener('input', validate);

  addParameter();
  addObjective({name: '', direction: 'maximize'});
  validate();
  return form;
}

