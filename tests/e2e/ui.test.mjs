// End-to-end test of the web UI in headless Chromium against a real `kyoso serve` and SQLite file
// (issue 4, "Tests"): create a campaign in the form (a constraint typo shows the parser's message
// and column), import a CSV by drag and drop (a bad file shows line-numbered errors and imports
// nothing), get a batch, edit one row and accept it (the edited row becomes the researcher's, the
// engine's original stays withdrawn in the history), enter results, preview a researcher
// proposal, and check that every plot holds data (Plotly's traces on the div, not just a canvas).
// Screenshots of each view go to KYOSO_E2E_ARTIFACTS.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {launchBrowser, plotData, screenshot, startServer} from './harness.mjs';

const CAMPAIGN = 'e2e-sps';
// BOXVIA layout: inputs first, objective last. Values respect max_temp - 20*hold_time <= 600.
const GOOD_CSV = [
  'heating_rate,max_temp,hold_time,jc',
  '20,550,5,11000', '50,600,5,21000', '80,650,10,15000', '35,575,20,18500',
  '65,620,3,19500', '50,556,32,23000', '90,700,30,9000', '15,520,2,8000',
].join('\n') + '\n';
const BAD_CSV = 'heating_rate,max_temp,hold_time,jc\n20,550,5,11000\n30,abc,5,12000\n40,900,5,13000\n';

let server;
let browser;
let page;

before(async () => {
  server = await startServer('ui');
  browser = await launchBrowser('ui');
  page = await browser.context.newPage();
  page.on('pageerror', (error) => { throw error; });
  await page.goto(server.url);
  await page.waitForSelector('#campaign-form');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function fillParameter(row, p) {
  const r = page.locator('#param-rows tr').nth(row);
  await r.locator('input[name=name]').fill(p.name);
  await r.locator('select[name=type]').selectOption(p.type);
  if (p.low !== undefined) await r.locator('input[name=low]').fill(String(p.low));
  if (p.high !== undefined) await r.locator('input[name=high]').fill(String(p.high));
  if (p.step !== undefined) await r.locator('input[name=step]').fill(String(p.step));
  if (p.unit) await r.locator('input[name=unit]').fill(p.unit);
  if (p.log) await r.locator('input[name=log]').check();
}

async function dropFile(selector, name, text) {
  const dataTransfer = await page.evaluateHandle(([fileName, content]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], fileName, {type: 'text/csv'}));
    return dt;
  }, [name, text]);
  await page.dispatchEvent(selector, 'drop', {dataTransfer});
}

test('create a campaign in the form; a constraint typo shows the parser message', async () => {
  await page.fill('#campaign-name', CAMPAIGN);
  await fillParameter(0, {name: 'heating_rate', type: 'continuous', low: 10, high: 100,
    unit: 'degC/min'});
  await page.click('#add-parameter');
  await fillParameter(1, {name: 'max_temp', type: 'discrete', low: 500, high: 700, step: 1,
    unit: 'degC'});
  await page.click('#add-parameter');
  await fillParameter(2, {name: 'hold_time', type: 'continuous', low: 1, high: 60, unit: 'min',
    log: true});
  const objective = page.locator('#objective-rows tr').first();
  await objective.locator('input[name=name]').fill('jc');
  await objective.locator('input[name=unit]').fill('A/cm^2');
  await objective.locator('input[name=log]').check();  // Jc spans decades: model ln(jc)
  // "exact" (a deterministic simulation) puts "noise": "none" in the spec the server checks;
  // a furnace measurement is not exact, so it is unchecked again.
  const specWith = async (action) => {
    const request = page.waitForRequest((r) => r.url().endsWith('/api/spec/check'));
    await action();
    return JSON.parse((await request).postData());
  };
  let sent = await specWith(() => objective.locator('input[name=exact]').check());
  assert.equal(sent.objectives[0].noise, 'none');
  sent = await specWith(() => objective.locator('input[name=exact]').uncheck());
  assert.equal(sent.objectives[0].noise, undefined);
  assert.equal(sent.objectives[0].scale, 'log');
  // "warp" is on by default (nothing in the spec); unchecked it sends "warp": "none".
  sent = await specWith(() => objective.locator('input[name=warp]').uncheck());
  assert.equal(sent.objectives[0].warp, 'none');
  // Checked again the spec equals the one already checked, which the form does not send twice.
  await objective.locator('input[name=warp]').check();

  await page.click('#add-constraint');
  const constraint = page.locator('.constraint-input').first();
  await constraint.fill('max_temp - 20*hold_tme <= 600');  // typo: hold_tme
  const message = page.locator('.constraint-message').first();
  await message.locator('.issue').waitFor();
  const text = await message.textContent();
  assert.match(text, /hold_tme/, 'the message names the unknown identifier');
  assert.match(text, /column 15/, 'the message gives the column of the typo');
  assert.match(await message.locator('pre.caret').textContent(), /\n {14}\^$/);
  assert.equal(await page.isDisabled('#create-campaign'), true);
  await screenshot(page, 'campaign-form-constraint-typo');

  await constraint.fill('max_temp - 20*hold_time <= 600');
  await page.waitForSelector('#spec-status .ok');
  await page.click('#create-campaign');
  await page.waitForSelector('#data-table');
  assert.match(page.url(), /#\/c\/e2e-sps\/data$/);
});

test('CSV import by drag and drop: errors name lines, then a good file imports', async () => {
  await dropFile('#csv-drop', 'bad.csv', BAD_CSV);
  const errors = page.locator('#import-error-list');
  await errors.waitFor();
  const text = await errors.textContent();
  assert.match(text, /Nothing imported/);
  assert.match(text, /line 3/);
  assert.match(text, /line 4/);
  assert.equal(await page.locator('#data-table tbody tr').count(), 0, 'nothing was imported');

  await dropFile('#csv-drop', 'good.csv', GOOD_CSV);
  await page.waitForFunction(() => document.querySelectorAll('#data-table tbody tr').length === 8);
  assert.equal(await page.locator('#import-error-list').count(), 0);
  // The same file dropped again is refused (its rows are already in the campaign).
  await dropFile('#csv-drop', 'good.csv', GOOD_CSV);
  await errors.waitFor();
  assert.match(await errors.textContent(), /8 of 8 rows are already in the campaign/);
  assert.equal(await page.locator('#data-table tbody tr').count(), 8, 'nothing imported twice');
  // Sorting by the objective puts the best first when descending.
  await page.click('th[data-key="r:jc"]');
  await page.click('th[data-key="r:jc"]');
  const first = await page.locator('#data-table tbody tr').first().getAttribute('data-id');
  assert.equal(first, '6');  // jc 23000
  await page.fill('#filter-text', '556');
  assert.equal(await page.locator('#data-table tbody tr').count(), 1);
  await page.fill('#filter-text', '');
  await screenshot(page, 'data-table');
});

test('get a batch, edit one row and accept it', async () => {
  await page.click('a[data-tab=suggest]');
  await page.fill('#batch-size', '3');
  assert.equal(await page.inputValue('#batch-policy'), 'believer');  // the engine's default
  await page.selectOption('#batch-policy', 'penalization');
  await page.click('#run-suggest');
  await page.waitForSelector('#suggest-table tbody tr', {timeout: 60000});
  const rows = page.locator('#suggest-table tbody tr');
  assert.equal(await rows.count(), 3);
  // The chosen batch policy reached the engine: the engine summary shown records it.
  assert.match(await page.textContent('details.summary pre'), /"batch_policy": "penalization"/);
  const edited = rows.first();
  const originalId = await edited.getAttribute('data-id');
  const input = edited.locator('input[data-param=max_temp]');
  const before = Number(await input.inputValue());
  await input.fill(String(before === 600 ? 601 : 600));
  assert.match(await edited.locator('.state').textContent(), /edited by e2e-researcher/);
  await screenshot(page, 'suggestions-edited');
  await page.click('#accept-batch');
  await page.waitForSelector('#accept-summary');
  const summary = await page.textContent('#accept-summary');
  assert.match(summary, new RegExp(`replaces #${originalId}`));

  // The original is withdrawn with a reason naming its replacement; the new row is ours.
  const listed = await page.evaluate(async (name) =>
    (await (await fetch(`/api/campaigns/${name}/experiments`)).json()).experiments, CAMPAIGN);
  const original = listed.find((e) => String(e.id) === originalId);
  assert.equal(original.status, 'withdrawn');
  assert.equal(original.source, 'engine');
  const replacement = listed.find((e) => e.id === Math.max(...listed.map((x) => x.id)));
  assert.equal(replacement.source, 'researcher');
  assert.equal(replacement.proposer, 'e2e-researcher');
  assert.match(original.reason, new RegExp(`replaced by #${replacement.id}`));
});

test('enter results inline; history shows who did what', async () => {
  await page.click('a[data-tab=data]');
  await page.waitForSelector('#data-table');
  await page.selectOption('#filter-status', 'proposed');
  const open = page.locator('#data-table tbody tr');
  const count = await open.count();
  assert.ok(count >= 3, `expected the batch as proposed rows, got ${count}`);
  for (let k = 0; k < 2; k++) {
    const row = page.locator('#data-table tbody tr').first();
    const id = await row.getAttribute('data-id');
    await row.locator('input.result-input').fill(String(20000 + 500 * k));
    await row.locator('button[data-action=save]').click();
    await page.waitForSelector(`#data-table tbody tr[data-id="${id}"]`, {state: 'detached'});
  }
  await page.selectOption('#filter-status', 'done');
  const done = await page.locator('#data-table tbody tr').count();
  assert.equal(done, 10);
  const row = page.locator('#data-table tbody tr').last();
  await row.locator('button[data-action=history]').click();
  const history = page.locator('.history-table');
  await history.waitFor();
  const text = await history.textContent();
  assert.match(text, /insert/);
  assert.match(text, /result/);
  assert.match(text, /e2e-researcher/);
  await page.selectOption('#filter-status', '');
});

test('a researcher proposal shows the model prediction before submitting', async () => {
  await page.click('a[data-tab=propose]');
  await page.waitForSelector('#proposal-form');
  await page.waitForSelector('#proposal-prediction .big');
  // A log-scale objective: the median and the 2σ range in A/cm^2 (docs/spec.md).
  assert.match(await page.textContent('#proposal-prediction'),
    /jc ≈ [\d.e+-]+ A\/cm\^2 \(median; 2σ range [\d.e+-]+–[\d.e+-]+, log-scale model\)/);
  await page.fill('input[data-param=max_temp]', '610');
  await page.fill('#proposal-rationale', 'coarse 50 degC steps, as in the paper');
  await screenshot(page, 'propose');
  await page.click('#submit-proposal');
  await page.waitForSelector('#data-table');
});

test('model views: every plot holds data', async () => {
  await page.click('a[data-tab=model]');
  const slice = await plotData(page, 'plot-slice');
  assert.ok(slice.length >= 4);
  assert.ok(slice[2].points >= 50, 'mean curve has points');
  assert.ok(slice[3].points >= 1, 'measured points near the slice are drawn');
  assert.ok(slice[4].points >= 50, 'acquisition curve has points');
  for (const id of ['plot-mean', 'plot-stddev', 'plot-acquisition']) {
    const traces = await plotData(page, id);
    assert.equal(traces[0].type, 'heatmap');
    assert.ok(traces[0].points >= 100, `${id} heatmap has values`);
  }
  const volume = await plotData(page, 'plot-3d');
  assert.equal(volume.length, 5, 'five stacked slices');
  assert.equal(volume[0].type, 'surface');
  // Moving the slice plane changes which slice is opaque.
  await page.$eval('#slice-plane', (input) => {
    input.value = '3';
    input.dispatchEvent(new Event('input', {bubbles: true}));
  });
  await page.waitForFunction(() => document.getElementById('plot-3d').data[3].opacity === 1);
  // Axes carry the user's units.
  const title = await page.evaluate(() => document.getElementById('plot-slice').layout.xaxis.title.text);
  assert.equal(title, 'heating_rate [degC/min]');
  // ln(jc) is modelled; the slice shows the median on a log axis in jc's unit.
  const yType = await page.evaluate(() => document.getElementById('plot-slice').layout.yaxis.type);
  assert.equal(yType, 'log');
  const median = await page.evaluate(() => {
    const trace = document.getElementById('plot-slice').data[2];
    return {name: trace.name, positive: trace.y.every((v) => v > 0)};
  });
  assert.deepEqual(median, {name: 'median', positive: true});
  await screenshot(page, 'model');
});

test('diagnostics: length scales, leave-one-out, best so far per loop, compare table', async () => {
  await page.click('a[data-tab=diagnostics]');
  const scales = await plotData(page, 'plot-lengthscales');
  assert.equal(scales[0].points, 3);
  const loo = await plotData(page, 'plot-loo');
  assert.ok(loo.slice(1).reduce((n, t) => n + t.points, 0) >= 8);
  const curve = await plotData(page, 'plot-convergence');
  assert.ok(curve.length >= 2, 'at least two loops (import and researcher/engine)');
  const labels = await page.locator('#compare-table tbody tr td:first-child').allTextContents();
  assert.ok(labels.includes('e2e-researcher'));
  await screenshot(page, 'diagnostics');
});
