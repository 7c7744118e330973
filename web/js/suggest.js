// Page 3: engine suggestions. Batch size, acquisition, shared (one-furnace) parameters and seed;
// the engine's batch is stored as proposals at once (as `kyoso suggest` does), then shown as
// editable rows. "Accept" keeps unchanged rows as the engine's proposals; an edited row is revised
// (POST .../revise): it becomes the signed-in researcher's proposal with the model's prediction,
// and the engine's original is withdrawn with a reason naming its replacement, so it stays in the
// record and its history.
import {ApiError, campaignPath, post} from './api.js';
import {clear, fmt, fmtPrediction, h, toast} from './util.js';

export async function render(root, ctx) {
  const c = ctx.campaign;
  const params = c.space.parameters;
  const primary = c.objectives[0];
  const result = h('div', {id: 'suggest-result'});

  // The server's limit and message (GET /api/campaigns/NAME "limits"; campaign::kMaxBatchSize).
  const limits = c.limits.batch;
  const batch = h('input', {type: 'number', id: 'batch-size', min: limits.min, max: limits.max,
    step: 1, value: 4, size: 5, oninput: () => {
      const value = Number(batch.value);
      batch.setCustomValidity(Number.isInteger(value) && value >= limits.min &&
        value <= limits.max ? '' : limits.message);
    }});
  const acquisition = h('select', {id: 'acquisition'},
    [['ei', 'expected improvement'], ['ucb', 'upper confidence bound'],
      ['pi', 'probability of improvement']].map(([v, l]) => h('option', {value: v}, l)));
  const localSearch = h('select', {id: 'local-search'},
    [['alternate', 'global and local, alternating'], ['off', 'global only'],
      ['trust_region', 'local only (trust region)']].map(([v, l]) => h('option', {value: v}, l)));
  const batchPolicy = h('select', {id: 'batch-policy'},
    [['believer', 'fantasies (kriging believer)'],
      ['penalization', 'local penalization (BOXVIA)']].map(([v, l]) => h('option', {value: v}, l)));
  const seed = h('input', {type: 'number', id: 'seed', min: 0, placeholder: 'auto', size: 8});
  const shared = params.map((p) => h('label', {class: 'check'},
    h('input', {type: 'checkbox', class: 'shared', value: p.name}), ` ${p.name}`));
  const rationale = h('input', {id: 'suggest-rationale', size: 40, placeholder: 'optional note'});
  const button = h('button', {class: 'primary', id: 'run-suggest', type: 'submit'}, 'Suggest');

  const form = h('form', {class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const body = {batch: Number(batch.value), acquisition: acquisition.value,
      local_search: localSearch.value, batch_policy: batchPolicy.value,
      shared: shared.map((l) => l.firstChild).filter((i) => i.checked).map((i) => i.value)};
    if (seed.value !== '') body.seed = Number(seed.value);
    if (rationale.value.trim()) body.rationale = rationale.value.trim();
    button.disabled = true;
    clear(result, h('p', {class: 'muted'}, 'The engine is fitting the model and optimizing…'));
    try {
      showBatch(await post(campaignPath(c.name, '/suggest'), body));
    } catch (error) {
      clear(result, h('div', {class: 'card error'},
        error instanceof ApiError ? `${error.code}: ${error.describe()}` : String(error)));
    } finally {
      button.disabled = false;
    }
  }},
  h('h2', {}, 'Ask the engine'),
  h('div', {class: 'form-line'},
    h('label', {class: 'field'}, h('span', {}, 'Batch size'), batch),
    h('label', {class: 'field'}, h('span', {}, 'Acquisition'), acquisition),
    h('label', {class: 'field'}, h('span', {}, 'Steps'), localSearch),
    h('label', {class: 'field'}, h('span', {}, 'Batch by'), batchPolicy),
    h('label', {class: 'field'}, h('span', {}, 'Seed'), seed),
    h('label', {class: 'field'}, h('span', {}, 'Note'), rationale)),
  h('div', {class: 'form-line'}, h('span', {class: 'muted'},
    'Shared across the batch (one furnace run): '), shared),
  button);

  function editor(p, value) {
    if (p.type === 'categorical') {
      return h('select', {class: 'edit', dataset: {param: p.name}},
        p.choices.map((choice) => h('option', {value: choice, selected: choice === value}, choice)));
    }
    return h('input', {type: 'number', class: 'edit', dataset: {param: p.name}, value,
      step: p.type === 'continuous' ? 'any' : (p.step || 1), min: p.low, max: p.high, size: 8});
  }

  function showBatch(outcome) {
    const s = outcome.summary || {};
    const rows = outcome.experiments.map((e) => {
      const inputs = params.map((p) => editor(p, e.params[p.name]));
      const pred = e.prediction?.[primary.name];
      const tr = h('tr', {class: 'suggest-row', dataset: {id: e.id}},
        h('td', {class: 'num'}, `#${e.id}`),
        inputs.map((input) => h('td', {}, input)),
        h('td', {class: 'num'}, fmtPrediction(pred) ?? 'initial design'),
        h('td', {class: 'num'}, fmt(e.acquisition, 4)),
        h('td', {class: 'state'}, 'engine'));
      tr.original = e;
      tr.inputs = inputs;
      for (const input of inputs) {
        input.addEventListener('input', () => {
          const edited = isEdited(tr);
          tr.classList.toggle('edited', edited);
          tr.querySelector('.state').textContent = edited ? `edited by ${ctx.user}` : 'engine';
        });
      }
      return tr;
    });
    const accept = h('button', {class: 'primary', id: 'accept-batch', onclick: () => acceptBatch(rows, accept)},
      'Accept batch');
    clear(result, h('section', {class: 'card'},
      h('h2', {}, `Batch ${outcome.batch_id ?? ''}: ${outcome.experiments.length} proposals`),
      h('p', {class: 'muted'},
        `Stored as proposed experiments ${outcome.experiments.map((e) => `#${e.id}`).join(', ')}. `,
        'Edit any value before accepting: an edited row is recorded as your proposal, and the ',
        "engine's original is withdrawn with a reason and kept in its history."),
      h('table', {class: 'grid', id: 'suggest-table'},
        h('thead', {}, h('tr', {}, h('th', {}, 'id'),
          params.map((p) => h('th', {}, p.unit ? `${p.name} [${p.unit}]` : p.name)),
          h('th', {}, `predicted ${primary.name}`), h('th', {}, 'acquisition'), h('th', {}, 'by'))),
        h('tbody', {}, rows)),
      h('div', {class: 'toolbar'}, accept),
      h('details', {class: 'summary'}, h('summary', {}, `engine summary: ${s.termination || ''}`),
        h('p', {}, s.message || ''),
        (s.warnings || []).map((w) => h('div', {class: 'badge warn'}, w)),
        h('pre', {class: 'mono small-text'}, JSON.stringify({
          seed: outcome.seed, observations: outcome.num_observations, pending: outcome.num_pending,
          fit_seconds: s.fit_seconds, optimize_seconds: s.optimize_seconds, used: s.used}, null, 2)))));
  }

  function valueOf(p, input) {
    return p.type === 'categorical' ? input.value : Number(input.value);
  }

  function isEdited(tr) {
    return params.some((p, k) => valueOf(p, tr.inputs[k]) !== tr.original.params[p.name]);
  }

  async function acceptBatch(rows, button) {
    button.disabled = true;
    let kept = 0;
    const revised = [];
    try {
      for (const tr of rows) {
        if (tr.accepted) continue;
        if (!isEdited(tr)) {
          kept += 1;
          tr.accepted = true;
          continue;
        }
        const newParams = {};
        params.forEach((p, k) => { newParams[p.name] = valueOf(p, tr.inputs[k]); });
        const out = await post(campaignPath(c.name, `/experiments/${tr.original.id}/revise`),
          {params: newParams, rationale: `edited engine suggestion #${tr.original.id}`});
        tr.accepted = true;
        tr.querySelector('.state').textContent = `#${out.experiment.id} by ${out.experiment.proposer}`;
        for (const input of tr.inputs) input.disabled = true;
        revised.push(`#${out.experiment.id} replaces #${tr.original.id}`);
      }
      toast(`Accepted: ${kept} engine proposal(s) kept` +
        (revised.length ? `, ${revised.join(', ')}` : ''), 'ok');
      result.append(h('p', {id: 'accept-summary'}, `Accepted. ${kept} kept as the engine's` +
        (revised.length ? `; revised: ${revised.join(', ')}` : '') + '. ',
      h('a', {href: `#/c/${encodeURIComponent(c.name)}/data`}, 'Go to the data table')));
    } catch (error) {
      button.disabled = false;
      toast(error instanceof ApiError ? `${error.code}: ${error.describe()}` : String(error), 'error');
    }
  }

  clear(root, form, result);
}
