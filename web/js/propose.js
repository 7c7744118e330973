// Page 4: a researcher's proposal. Enter conditions and a rationale; the model's prediction and
// uncertainty for them (POST .../predict, the engine's own model) update as you type, before you
// submit. Optional results record an experiment already done.
import {ApiError, campaignPath, get, post} from './api.js';
import {clear, debounce, fmt, h, toast} from './util.js';

export async function render(root, ctx) {
  const c = ctx.campaign;
  const params = c.space.parameters;
  const objectives = c.objectives;
  const primary = objectives[0];
  const best = (await get(campaignPath(c.name, '/best'))).experiments[0];

  const inputs = params.map((p) => {
    const start = best ? best.params[p.name]
      : p.type === 'categorical' ? p.choices[0]
        : p.scale === 'log' ? Math.sqrt(p.low * p.high) : (p.low + p.high) / 2;
    const input = p.type === 'categorical'
      ? h('select', {dataset: {param: p.name}, class: 'param-input'},
        p.choices.map((choice) => h('option', {value: choice, selected: choice === start}, choice)))
      : h('input', {type: 'number', step: 'any', class: 'param-input', dataset: {param: p.name},
        value: p.type === 'continuous' ? Number(start.toPrecision(6)) : start, min: p.low, max: p.high});
    input.addEventListener('input', preview);
    return h('label', {class: 'field'},
      h('span', {}, `${p.name}${p.unit ? ` [${p.unit}]` : ''}`), input,
      p.type !== 'categorical' ? h('small', {class: 'muted'}, `${fmt(p.low)} … ${fmt(p.high)}` +
        (p.step ? `, step ${fmt(p.step)}` : '') + (p.scale === 'log' ? ', log' : '')) : null);
  });
  const results = objectives.map((o) => h('label', {class: 'field'},
    h('span', {}, `${o.name}${o.unit ? ` [${o.unit}]` : ''} (if already measured)`),
    h('input', {type: 'number', step: 'any', class: 'result-input', dataset: {objective: o.name}})));
  const rationale = h('textarea', {id: 'proposal-rationale', rows: 3, cols: 60,
    placeholder: 'why these conditions (experience, theory, a hunch)'});
  const prediction = h('div', {class: 'prediction', id: 'proposal-prediction'});

  function currentParams() {
    const out = {};
    params.forEach((p, k) => {
      const input = inputs[k].querySelector('.param-input');
      out[p.name] = p.type === 'categorical' ? input.value : Number(input.value);
    });
    return out;
  }

  let generation = 0;
  const run = debounce(async () => {
    const mine = ++generation;
    try {
      const out = await post(campaignPath(c.name, '/predict'), {points: [currentParams()]});
      if (mine !== generation) return;
      if (!out.predictions) {
        clear(prediction, h('p', {class: 'muted'}, out.message));
        return;
      }
      const p = out.predictions[0];
      const m = p[primary.name];
      clear(prediction,
        m.scale === 'log'
          ? h('div', {class: 'big'}, `${primary.name} ≈ ${fmt(m.median, 4)}`,
            primary.unit ? ` ${primary.unit}` : '',
            h('small', {class: 'muted'}, ` (median; 2σ range ${fmt(m.lower, 3)}–${fmt(m.upper, 3)},` +
              ' log-scale model)'))
          : h('div', {class: 'big'}, `${primary.name} ≈ ${fmt(m.mean, 4)} ± ${fmt(2 * m.stddev, 3)}`,
            primary.unit ? ` ${primary.unit}` : '', h('small', {class: 'muted'}, ' (mean ± 2σ)')),
        h('div', {}, `acquisition (${out.acquisition_kind}): ${fmt(p.acquisition, 4)}`),
        p.feasible ? null : h('div', {class: 'badge warn'}, 'violates a constraint'),
        h('div', {class: 'muted'}, `model fitted on ${out.num_observations} measured experiments`));
    } catch (error) {
      if (mine !== generation) return;
      clear(prediction, h('div', {class: 'issue'},
        error instanceof ApiError ? error.describe() : String(error)));
    }
  }, 250);
  function preview() { run(); }

  const form = h('form', {class: 'card', id: 'proposal-form', onsubmit: async (event) => {
    event.preventDefault();
    const body = {params: currentParams(), rationale: rationale.value};
    const measured = {};
    for (const label of results) {
      const input = label.querySelector('input');
      if (input.value !== '') measured[input.dataset.objective] = Number(input.value);
    }
    if (Object.keys(measured).length) body.results = measured;
    try {
      const out = await post(campaignPath(c.name, '/experiments'), body);
      toast(`Proposal #${out.experiment.id} recorded as ${out.experiment.proposer}'s`, 'ok');
      for (const w of out.warnings) toast(w.message, 'warn');
      ctx.navigate(`#/c/${encodeURIComponent(c.name)}/data`);
    } catch (error) {
      toast(error instanceof ApiError ? error.describe() : String(error), 'error');
    }
  }},
  h('h2', {}, `Propose as ${ctx.user}`),
  h('div', {class: 'form-grid-2'}, inputs),
  h('h3', {}, "The model's view of these conditions"), prediction,
  h('label', {class: 'field'}, h('span', {}, 'Rationale'), rationale),
  h('details', {}, h('summary', {}, 'Already measured? Enter the results'), results),
  h('button', {type: 'submit', class: 'primary', id: 'submit-proposal'}, 'Submit proposal'));

  clear(root, form);
  preview();
}
