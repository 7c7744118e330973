// Page 6: diagnostics. Length scales of the fitted GP (relevance per parameter), leave-one-out
// predicted vs observed with 2σ error bars, best-so-far against the campaign's experiment number
// for each loop (engine, each researcher, imports), and the `kyoso compare` table.
import {ApiError, campaignPath, get} from './api.js';
import {COLORS, message, plot} from './plots.js';
import {clear, fmt, fmtTime, h} from './util.js';

export async function render(root, ctx) {
  const c = ctx.campaign;
  const objectiveSelect = h('select', {id: 'diag-objective', onchange: () => load()},
    c.objectives.map((o) => h('option', {value: o.name}, o.name)));
  const scalesPlot = h('div', {class: 'plot half', id: 'plot-lengthscales'});
  const looPlot = h('div', {class: 'plot half', id: 'plot-loo'});
  const curvePlot = h('div', {class: 'plot', id: 'plot-convergence'});
  const compareBox = h('div', {id: 'compare-box'});
  const scalesTable = h('div', {});

  async function loadModel(objective) {
    try {
      const out = await get(campaignPath(c.name,
        `/model/diagnostics?objective=${encodeURIComponent(objective)}`));
      const ls = out.length_scales;
      await plot(scalesPlot, [{type: 'bar', x: ls.map((s) => s.name), y: ls.map((s) => s.relevance),
        marker: {color: COLORS[0]}, textposition: 'none',
        hovertext: ls.map((s) => `length scale ${fmt(s.lengthscale, 3)} (unit cube)`)}],
      {title: {text: 'relevance = 1 / length scale (unit cube)'}, yaxis: {title: {text: 'relevance'}},
        height: 340});
      clear(scalesTable, h('table', {class: 'grid'}, h('thead', {}, h('tr', {},
        ['parameter', 'length scale (unit cube)', 'in user units', 'relevance'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ls.map((s) => h('tr', {}, h('td', {}, s.name), h('td', {class: 'num'}, fmt(s.lengthscale, 4)),
        h('td', {class: 'num'}, s.lengthscale_user !== undefined ? `${fmt(s.lengthscale_user, 4)} ${s.unit}`
          : s.lengthscale_factor !== undefined ? `× ${fmt(s.lengthscale_factor, 4)} (log scale)` : '—'),
        h('td', {class: 'num'}, fmt(s.relevance, 4)))))));
      const loo = out.loo;
      // A log-scale objective is modelled (and left out) as ln(value).
      const ln = out.objective.scale === 'log' ? 'ln ' : '';
      const all = loo.flatMap((p) => [p.observed, p.mean]);
      const lo = Math.min(...all);
      const hi = Math.max(...all);
      const bySource = {};
      for (const p of loo) (bySource[p.source] ||= []).push(p);
      await plot(looPlot, [
        {x: [lo, hi], y: [lo, hi], mode: 'lines', line: {dash: 'dot', color: '#888'}, name: 'y = x'},
        ...Object.entries(bySource).map(([source, pts], i) => ({
          x: pts.map((p) => p.observed), y: pts.map((p) => p.mean), mode: 'markers', name: source,
          text: pts.map((p) => `#${p.id}`), marker: {color: COLORS[(i + 1) % COLORS.length], size: 8},
          error_y: {type: 'data', array: pts.map((p) => 2 * p.stddev), visible: true, thickness: 1},
        }))], {
        title: {text: `leave-one-out (${out.num_loo} refits), ±2σ`},
        xaxis: {title: {text: `observed ${ln}${out.objective.name}`}},
        yaxis: {title: {text: `predicted ${ln}${out.objective.name}`}}, height: 340,
      });
    } catch (error) {
      const text = error instanceof ApiError ? `${error.code}: ${error.describe()}` : String(error);
      message(scalesPlot, text);
      message(looPlot, text);
      clear(scalesTable);
    }
  }

  async function loadCompare(objective) {
    const out = await get(campaignPath(c.name, `/compare?objective=${encodeURIComponent(objective)}`));
    const loops = out.loops.filter((l) => l.curve.length);
    if (loops.length) {
      await plot(curvePlot, loops.map((l, i) => ({
        x: l.curve.map((p) => p.campaign_n), y: l.curve.map((p) => p.best), mode: 'lines+markers',
        line: {shape: 'hv', color: COLORS[i % COLORS.length]}, name: `${l.label} (${l.source})`,
        text: l.curve.map((p) => `#${p.id}: ${fmt(p.value)}`),
      })), {
        title: {text: `best ${out.objective} so far, per loop (${out.direction})`},
        xaxis: {title: {text: 'measured experiment number (whole campaign)'}},
        yaxis: {title: {text: `best ${out.objective}`}}, height: 380,
      });
    } else {
      message(curvePlot, 'Nothing measured yet.');
    }
    clear(compareBox, h('div', {class: 'table-box'}, h('table', {class: 'grid', id: 'compare-table'},
      h('thead', {}, h('tr', {}, ['loop', 'source', 'experiments', 'measured', 'pending', 'failed',
        'withdrawn', 'best', 'best at (loop / campaign #)', 'when', 'improved', 'calibration: mean z',
        'rms z', 'within 2σ'].map((t) => h('th', {}, t)))),
      h('tbody', {}, out.loops.map((l) => h('tr', {},
        h('td', {}, l.label), h('td', {}, l.source), h('td', {class: 'num'}, l.experiments),
        h('td', {class: 'num'}, l.measured), h('td', {class: 'num'}, l.pending),
        h('td', {class: 'num'}, l.failed), h('td', {class: 'num'}, l.withdrawn),
        h('td', {class: 'num'}, l.best === null ? '—' : `${fmt(l.best)} (#${l.best_id})`),
        h('td', {class: 'num'}, l.best === null ? '—' : `${l.best_n} / ${l.best_campaign_n}`),
        h('td', {}, fmtTime(l.best_at)),
        h('td', {class: 'num'}, `${l.improved} (${fmt(100 * l.improved_share, 3)}%)`),
        h('td', {class: 'num'}, l.calibration.count ? fmt(l.calibration.mean_z, 3) : '—'),
        h('td', {class: 'num'}, l.calibration.count ? fmt(l.calibration.rms_z, 3) : '—'),
        h('td', {class: 'num'}, l.calibration.count
          ? `${fmt(100 * l.calibration.within_2sd, 3)}% of ${l.calibration.count}` : '—')))))));
  }

  async function load() {
    const objective = objectiveSelect.value;
    await Promise.all([loadModel(objective), loadCompare(objective)]);
  }

  clear(root,
    h('section', {class: 'card'}, h('h2', {}, 'Diagnostics'),
      h('label', {class: 'field'}, h('span', {}, 'Objective'), objectiveSelect)),
    h('section', {class: 'card'}, h('h3', {}, 'Model'), h('div', {class: 'plots-row'}, scalesPlot, looPlot),
      scalesTable),
    h('section', {class: 'card'}, h('h3', {}, 'The loops side by side'), curvePlot, compareBox));
  await load();
}
