// Page 5: the model. For any objective: a 1-D slice (mean ± 2σ band, measured points near the
// slice, acquisition below); 2-D heatmaps of mean, standard deviation and acquisition for a chosen
// pair, the other parameters fixed by sliders (default: the best measured point); for d ≥ 3 a
// 3-D view of stacked slices along a third parameter with a movable slice plane. Measured points
// are drawn when they lie near the slice (distance over the fixed parameters in the unit cube).
// Axes are in the user's units (log axes for log-scale parameters).
import {ApiError, campaignPath, post} from './api.js';
import {axis, axisTitle, COLORS, message, plot} from './plots.js';
import {clear, debounce, fmt, h} from './util.js';

export async function render(root, ctx) {
  const c = ctx.campaign;
  const params = c.space.parameters;
  const d = params.length;
  const state = {fixed: null, sliceIndex: 0, near: 0.3};

  const select = (id, options, value) => h('select', {id, onchange: () => refresh(true)},
    options.map(([v, l]) => h('option', {value: v, selected: v === value}, l)));
  const names = params.map((p) => [p.name, p.name]);
  const objective = select('model-objective', c.objectives.map((o) => [o.name, o.name]),
    c.objectives[0].name);
  const acquisition = select('model-acquisition', [['ei', 'EI'], ['ucb', 'UCB'], ['pi', 'PI']], 'ei');
  const xSel = select('model-x', names, params[0].name);
  const ySel = select('model-y', names, params[Math.min(1, d - 1)].name);
  const zSel = select('model-z', [['', '(none)'], ...names], d >= 3 ? params[2].name : '');
  const nearInput = h('input', {type: 'range', id: 'near', min: 0.05, max: 1.5, step: 0.05,
    value: state.near, oninput: () => { state.near = Number(nearInput.value); nearLabel.textContent = fmt(state.near); refresh(false); }});
  const nearLabel = h('span', {}, fmt(state.near));
  const sliders = h('div', {class: 'sliders', id: 'fixed-sliders'});
  const status = h('div', {class: 'muted', id: 'model-status'});

  const slicePlot = h('div', {class: 'plot', id: 'plot-slice'});
  const meanPlot = h('div', {class: 'plot third', id: 'plot-mean'});
  const sdPlot = h('div', {class: 'plot third', id: 'plot-stddev'});
  const acqPlot = h('div', {class: 'plot third', id: 'plot-acquisition'});
  const volumePlot = h('div', {class: 'plot', id: 'plot-3d'});
  const planeInput = h('input', {type: 'range', id: 'slice-plane', min: 0, max: 4, step: 1, value: 0,
    oninput: () => { state.sliceIndex = Number(planeInput.value); drawGrid(lastGrid); }});
  const planeLabel = h('span', {id: 'slice-plane-label'});

  function plotted() {
    const set = new Set([xSel.value]);
    if (d >= 2) set.add(ySel.value);
    if (zSel.value) set.add(zSel.value);
    return set;
  }

  // Every parameter but the 1-D slice's x gets a slider; those on the heatmap axes (y, and z of
  // the stacked slices) then move the 1-D slice only.
  function buildSliders() {
    const onAxes = plotted();
    clear(sliders, params.filter((p) => p.name !== xSel.value).map((p) => {
      const value = state.fixed[p.name];
      let input;
      let label;
      if (p.type === 'categorical') {
        input = h('input', {type: 'range', min: 0, max: p.choices.length - 1, step: 1,
          value: Math.max(0, p.choices.indexOf(value))});
        label = h('span', {class: 'value'}, value);
        input.addEventListener('input', () => {
          state.fixed[p.name] = p.choices[Number(input.value)];
          label.textContent = state.fixed[p.name];
          refresh(false);
        });
      } else {
        const step = p.type === 'continuous' ? (p.high - p.low) / 200 : (p.step || 1);
        input = h('input', {type: 'range', min: p.low, max: p.high, step, value});
        label = h('span', {class: 'value'}, `${fmt(value)} ${p.unit || ''}`);
        input.addEventListener('input', () => {
          state.fixed[p.name] = Number(input.value);
          label.textContent = `${fmt(Number(input.value))} ${p.unit || ''}`;
          refresh(false);
        });
      }
      input.dataset.param = p.name;
      return h('label', {class: 'slider'},
        h('span', {}, p.name, onAxes.has(p.name) ? h('small', {class: 'muted'}, ' (1-D only)') : null),
        input, label);
    }));
    if (!sliders.children.length) sliders.append(h('span', {class: 'muted'}, 'one parameter: nothing to fix'));
  }

  function body(extra) {
    const out = {objective: objective.value, acquisition: acquisition.value, ...extra};
    if (state.fixed) out.fixed = state.fixed;
    return out;
  }

  function near(data) {
    return data.filter((p) => p.distance <= state.near);
  }

  async function drawSlice() {
    const out = await post(campaignPath(c.name, '/model/slice'), body({x: xSel.value}));
    if (!state.fixed) state.fixed = out.fixed;
    const xs = out.x.values;
    const o = out.objective;
    // A log-scale objective is modelled as ln(value): draw the median exp(mean) and the band
    // exp(mean ± 2σ) on a logarithmic axis in the objective's own unit.
    const logScale = o.scale === 'log';
    const shown = (v) => (logScale ? Math.exp(v) : v);
    const upper = out.mean.map((m, k) => shown(m + 2 * out.stddev[k]));
    const lower = out.mean.map((m, k) => shown(m - 2 * out.stddev[k]));
    const pts = near(out.data);
    await plot(slicePlot, [
      {x: xs, y: upper, mode: 'lines', line: {width: 0}, showlegend: false, hoverinfo: 'skip'},
      {x: xs, y: lower, mode: 'lines', line: {width: 0}, fill: 'tonexty',
        fillcolor: 'rgba(31,119,180,0.18)', name: logScale ? 'exp(mean ± 2σ)' : 'mean ± 2σ'},
      {x: xs, y: out.mean.map(shown), mode: 'lines', line: {color: COLORS[0], width: 2},
        name: logScale ? 'median' : 'mean'},
      {x: pts.map((p) => p.params[out.x.name]), y: pts.map((p) => shown(p.value)), mode: 'markers',
        name: 'measured (near slice)', text: pts.map((p) => `#${p.id} (${p.source}), distance ${fmt(p.distance, 2)}`),
        marker: {color: COLORS[1], size: 8, opacity: pts.map((p) => 1 - 0.7 * p.distance / state.near)}},
      {x: xs, y: out.acquisition, mode: 'lines', yaxis: 'y2', line: {color: COLORS[2]},
        name: `acquisition (${out.acquisition_kind})`},
    ], {
      title: {text: `${o.name}${o.unit ? ` [${o.unit}]` : ''} along ${out.x.name}`, x: 0.01,
        xanchor: 'left'},
      xaxis: axis(out.x, {anchor: 'y2'}),
      yaxis: {domain: [0.36, 1], title: {text: o.unit ? `${o.name} [${o.unit}]` : o.name},
        type: logScale ? 'log' : undefined},
      yaxis2: {domain: [0, 0.26], title: {text: out.acquisition_kind}},
      height: 460,
      legend: {orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom'},
    });
    return out;
  }

  let lastGrid = null;
  async function drawGrid(out) {
    if (!out) return;
    const slices = out.slices || [{mean: out.mean, stddev: out.stddev, acquisition: out.acquisition}];
    const k = Math.min(state.sliceIndex, slices.length - 1);
    const s = slices[k];
    const pts = near(out.data);
    const zName = out.z ? out.z.name : null;
    planeLabel.textContent = out.z ? `${zName} = ${fmt(s.z)} ${out.z.unit || ''}` : '';
    const points = {x: pts.map((p) => p.params[out.x.name]), y: pts.map((p) => p.params[out.y.name]),
      mode: 'markers', name: 'measured', text: pts.map((p) => `#${p.id}: ${fmt(p.value)}`),
      marker: {color: '#fff', size: 7, line: {color: '#000', width: 1}}, showlegend: false};
    const layout = (title) => ({title: {text: title}, xaxis: axis(out.x), yaxis: axis(out.y),
      height: 360, margin: {l: 64, r: 12, t: 40, b: 52}});
    const suffix = out.z ? ` at ${zName} = ${fmt(s.z)}` : '';
    // Heatmaps show the model's own scale: ln(value) for a log-scale objective.
    const of = out.objective.scale === 'log' ? ` of ln ${out.objective.name}` : '';
    await plot(meanPlot, [{type: 'heatmap', x: out.x.values, y: out.y.values, z: s.mean,
      colorscale: 'Viridis', colorbar: {thickness: 10}}, points], layout(`mean${of}${suffix}`));
    await plot(sdPlot, [{type: 'heatmap', x: out.x.values, y: out.y.values, z: s.stddev,
      colorscale: 'Cividis', colorbar: {thickness: 10}}, points], layout(`standard deviation${of}${suffix}`));
    await plot(acqPlot, [{type: 'heatmap', x: out.x.values, y: out.y.values, z: s.acquisition,
      colorscale: 'Hot', reversescale: true, colorbar: {thickness: 10}}, points],
    layout(`acquisition (${out.acquisition_kind})${suffix}`));
    if (out.slices) {
      const all = out.slices.flatMap((sl) => sl.mean.flat()).filter((v) => v !== null);
      const cmin = Math.min(...all);
      const cmax = Math.max(...all);
      const zIsCategory = out.z.kind === 'categorical';
      const traces = out.slices.map((sl, i) => ({
        type: 'surface', x: out.x.values, y: out.y.values,
        z: sl.mean.map((row) => row.map(() => (zIsCategory ? i : sl.z))),
        surfacecolor: sl.mean, cmin, cmax, colorscale: 'Viridis', showscale: i === 0,
        opacity: i === k ? 1 : 0.25, name: `${zName} = ${sl.z}`,
        colorbar: {title: {text: `mean${of}`}, thickness: 10},
      }));
      const zAxis = {title: {text: axisTitle(out.z)}};
      if (zIsCategory) {
        zAxis.tickvals = out.slices.map((_, i) => i);
        zAxis.ticktext = out.slices.map((sl) => sl.z);
      } else if (out.z.scale === 'log') {
        zAxis.type = 'log';
      }
      await plot(volumePlot, traces, {
        title: {text: `mean${of} on stacked slices along ${zName} (selected plane opaque)`},
        scene: {xaxis: {title: {text: axisTitle(out.x)}, type: out.x.scale === 'log' ? 'log' : undefined},
          yaxis: {title: {text: axisTitle(out.y)}, type: out.y.scale === 'log' ? 'log' : undefined},
          zaxis: zAxis},
        height: 520,
      });
    } else {
      message(volumePlot, d >= 3 ? 'Choose a third parameter to stack slices along.'
        : '3-D view: the space has fewer than 3 parameters.');
    }
  }

  async function fetchGrid() {
    const extra = {x: xSel.value, y: ySel.value};
    if (zSel.value) {
      extra.z = zSel.value;
      extra.num_z = 5;
      extra.num = 24;
    }
    const out = await post(campaignPath(c.name, '/model/grid'), body(extra));
    if (out.slices) {
      planeInput.max = out.slices.length - 1;
      state.sliceIndex = Math.min(state.sliceIndex, out.slices.length - 1);
      planeInput.value = state.sliceIndex;
    }
    lastGrid = out;
    await drawGrid(out);
  }

  let generation = 0;
  const run = debounce(async (rebuild) => {
    const mine = ++generation;
    status.textContent = 'fitting…';
    try {
      const slice = await drawSlice();
      if (mine !== generation) return;
      if (rebuild) buildSliders();
      if (d >= 2 && xSel.value !== ySel.value) {
        await fetchGrid();
      } else {
        for (const div of [meanPlot, sdPlot, acqPlot]) {
          message(div, d >= 2 ? 'Choose two different parameters for the heatmaps.' : 'One parameter: no heatmap.');
        }
        message(volumePlot, '3-D view needs three parameters.');
      }
      status.textContent = `model fitted on ${slice.num_observations} measured experiments; ` +
        `fixed at ${Object.entries(state.fixed).map(([k, v]) => `${k}=${fmt(v)}`).join(', ')}`;
    } catch (error) {
      const text = error instanceof ApiError ? `${error.code}: ${error.describe()}` : String(error);
      status.textContent = text;
      for (const div of [slicePlot, meanPlot, sdPlot, acqPlot, volumePlot]) message(div, text);
    }
  }, 200);
  function refresh(rebuild) { run(rebuild); }

  clear(root,
    h('section', {class: 'card'},
      h('h2', {}, 'Model views'),
      h('div', {class: 'form-line'},
        h('label', {class: 'field'}, h('span', {}, 'Objective'), objective),
        h('label', {class: 'field'}, h('span', {}, 'Acquisition'), acquisition),
        h('label', {class: 'field'}, h('span', {}, 'x'), xSel),
        d >= 2 ? h('label', {class: 'field'}, h('span', {}, 'y'), ySel) : null,
        d >= 3 ? h('label', {class: 'field'}, h('span', {}, 'stack along (3-D)'), zSel) : null,
        h('label', {class: 'field'}, h('span', {}, 'show data within distance'), nearInput, nearLabel)),
      h('h3', {}, 'Fixed parameters (default: the best measured point)'), sliders, status),
    h('section', {class: 'card'}, h('h3', {}, '1-D slice'), slicePlot),
    h('section', {class: 'card'}, h('h3', {}, '2-D slices'),
      d >= 3 ? h('div', {class: 'form-line'}, h('label', {class: 'field'},
        h('span', {}, 'slice plane'), planeInput, planeLabel)) : null,
      h('div', {class: 'plots-row'}, meanPlot, sdPlot, acqPlot)),
    h('section', {class: 'card'}, h('h3', {}, '3-D: stacked slices'), volumePlot));
  refresh(true);
}
