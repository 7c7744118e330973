// Plotly helpers: one place that draws (Plotly.react, so redraws reuse the div), axis titles in
// the user's units, log/category axis types, and a visible message when Plotly is missing (it is
// vendored from npm at build time; see docs/web-ui.md).
import {h} from './util.js';

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2',
  '#17becf'];

export function hasPlotly() {
  return typeof window.Plotly !== 'undefined';
}

export async function plot(div, traces, layout = {}) {
  if (!hasPlotly()) {
    div.replaceChildren(h('p', {class: 'issue'},
      'Plotly is not embedded in this build: run scripts/install-deps.sh (npm ci) and rebuild.'));
    return;
  }
  const base = {
    margin: {l: 64, r: 24, t: 36, b: 52},
    font: {family: 'system-ui, sans-serif', size: 12},
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: '#fbfcfe',
    hovermode: 'closest',
  };
  if (!div.data) div.replaceChildren();  // drop a previous message before the first plot
  await window.Plotly.react(div, traces, {...base, ...layout},
    {responsive: true, displaylogo: false});
  div.dataset.plotted = String(traces.length);
}

export function message(div, text) {
  if (hasPlotly() && div.data) window.Plotly.purge(div);
  delete div.dataset.plotted;
  div.replaceChildren(h('p', {class: 'muted plot-message'}, text));
}

export function axisTitle(axis) {
  return axis.unit ? `${axis.name} [${axis.unit}]` : axis.name;
}

export function axisType(axis) {
  if (axis.kind === 'categorical') return 'category';
  return axis.scale === 'log' ? 'log' : 'linear';
}

export function axis(axisInfo, extra = {}) {
  return {title: {text: axisTitle(axisInfo)}, type: axisType(axisInfo), ...extra};
}
