// Small DOM helpers shared by the pages: element building (text is always set as text, never
// parsed as HTML), number formatting, toasts, debouncing and a modal form for reasons/values.

// h('div', {class: 'x', onclick: fn}, child, 'text', [more]) -> HTMLElement
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Six significant digits, integers as integers, null as an em dash.
export function fmt(value, digits = 6) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const text = value.toPrecision(digits);
  return text.includes('e') ? text : String(Number(text));
}

// A stored prediction of an objective as text: "mean ± sd" on a linear scale; on a log scale
// (the model is of ln value) "median (lower–upper)" with the 2σ band in the objective's unit.
export function fmtPrediction(pred) {
  if (!pred || pred.mean === null || pred.mean === undefined) return null;
  if (pred.scale === 'log') {
    return `${fmt(pred.median, 4)} (${fmt(pred.lower, 3)}–${fmt(pred.upper, 3)})`;
  }
  return `${fmt(pred.mean, 4)} ± ${fmt(pred.stddev, 3)}`;
}

export function fmtTime(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function toast(message, kind = 'info', seconds = 6) {
  const box = document.getElementById('toasts');
  const item = h('div', {class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status'},
    message);
  box.append(item);
  setTimeout(() => item.remove(), seconds * 1000);
}

export function debounce(fn, ms = 250) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// A modal form: fields [{name, label, type, value, required, options}] -> Promise<values|null>.
export function askFields(title, fields, submitLabel = 'OK') {
  return new Promise((resolve) => {
    const inputs = {};
    const form = h('form', {class: 'modal-card'},
      h('h3', {}, title),
      fields.map((f) => {
        const input = f.type === 'textarea'
          ? h('textarea', {name: f.name, rows: 3, required: !!f.required})
          : f.options
            ? h('select', {name: f.name}, f.options.map((o) => h('option', {value: o}, o)))
            : h('input', {name: f.name, type: f.type || 'text', step: 'any',
              required: !!f.required});
        if (f.value !== undefined && f.value !== null) input.value = f.value;
        inputs[f.name] = input;
        return h('label', {class: 'field'}, h('span', {}, f.label), input);
      }),
      h('div', {class: 'row-actions'},
        h('button', {type: 'submit', class: 'primary'}, submitLabel),
        h('button', {type: 'button', onclick: () => done(null)}, 'Cancel')));
    const overlay = h('div', {class: 'modal'}, form);
    function done(values) {
      overlay.remove();
      resolve(values);
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const values = {};
      for (const f of fields) {
        const raw = inputs[f.name].value;
        values[f.name] = f.type === 'number' ? (raw === '' ? null : Number(raw)) : raw;
      }
      done(values);
    });
    document.body.append(overlay);
    const first = form.querySelector('input, textarea, select');
    if (first) first.focus();
  });
}

// Display value of a parameter (number or choice name) with its unit.
export function withUnit(value, unit) {
  return unit ? `${fmt(value)} ${unit}` : fmt(value);
}
