// Browser test of the data table's shared-campaign features against a real `kyoso serve` and
// SQLite file: retracting a measured result from the UI ("Retract" on a done row, reason typed in
// the page's dialog; the row becomes failed, its value stays visible and in the history, and `best`
// moves to the next experiment); the batch input's server-given limit; and live refresh (rows
// added or changed by colleagues appear without a reload, while a value typed but not saved
// survives). The campaign and its measurements are written through the HTTP API, as a colleague's
// script would.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {launchBrowser, screenshot, startServer} from './harness.mjs';

const CAMPAIGN = 'e2e-shared';
const SPEC = {
  name: CAMPAIGN,
  parameters: [
    {name: 'heating_rate', type: 'continuous', low: 10, high: 100, unit: 'degC/min'},
    {name: 'max_temp', type: 'discrete', low: 500, high: 700, step: 1, unit: 'degC'},
    {name: 'hold_time', type: 'continuous', low: 1, high: 60, unit: 'min'},
  ],
  objectives: [{name: 'jc', direction: 'maximize', unit: 'A/cm^2'}],
};
// [heating_rate, max_temp, hold_time, jc]: #2 is the best, #3 the next (the oracle of `best`).
const ROWS = [[20, 550, 5, 11000], [50, 600, 5, 23000], [80, 650, 10, 15000]];

let server;
let browser;
let page;

// The HTTP API as a script (or another researcher's browser) uses it: bearer token, JSON.
async function api(method, path, body) {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: {'Authorization': `Bearer ${server.token}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function addMeasured([rate, temp, hold, jc]) {
  return (await api('POST', `/api/campaigns/${CAMPAIGN}/experiments`, {
    params: {heating_rate: rate, max_temp: temp, hold_time: hold}, results: {jc},
    rationale: 'measured elsewhere'})).experiment;
}

before(async () => {
  server = await startServer('experiments');
  await api('POST', '/api/campaigns', SPEC);
  for (const row of ROWS) await addMeasured(row);
  browser = await launchBrowser('experiments');
  page = await browser.context.newPage();
  page.on('pageerror', (error) => { throw error; });
  await page.goto(server.url);  // signs in (HttpOnly cookie)
  await page.waitForSelector('#who:has-text("e2e-researcher")');
  await page.goto(`${server.base}/#/c/${CAMPAIGN}/data`);
  await page.waitForSelector('#data-table tbody tr[data-id="3"]');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('retract a measured result from the data table', async () => {
  assert.equal((await api('GET', `/api/campaigns/${CAMPAIGN}/best`)).experiment.id, 2);
  const row = page.locator('#data-table tbody tr[data-id="2"]');
  // Proposed/running rows have no Retract; done rows do.
  await row.locator('button[data-action=retract]').click();
  const dialog = page.locator('.modal form');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Retract the measured result of #2/);
  // The reason is required: submitting it empty keeps the dialog open and posts nothing.
  await dialog.locator('button[type=submit]').click();
  assert.equal(await dialog.isVisible(), true);
  await dialog.locator('textarea[name=reason]').fill('thermocouple read 40 K low');
  await dialog.locator('button[type=submit]').click();
  await page.locator('#data-table tbody tr[data-id="2"].status-failed').waitFor({timeout: 15000});
  const failedRow = page.locator('#data-table tbody tr[data-id="2"]');
  assert.match(await failedRow.locator('.reason').textContent(), /thermocouple read 40 K low/);
  // The value stays visible, marked as retracted; no further actions on it but History.
  assert.match(await failedRow.locator('td.retracted').textContent(), /^23000$/);
  assert.equal(await failedRow.locator('button[data-action=retract]').count(), 0);
  assert.equal(await failedRow.locator('button[data-action=correct]').count(), 0);
  await failedRow.locator('button[data-action=history]').click();
  const history = page.locator('.history-table');
  await history.waitFor();
  const text = await history.textContent();
  assert.match(text, /"done" → "failed"/);
  assert.match(text, /thermocouple read 40 K low/);
  // The inserted parameters read in the spec's order, not alphabetically.
  assert.match(text, /heating_rate=50 max_temp=600 hold_time=5/);
  await screenshot(page, 'data-retracted');

  // What the server stored: failed, reason, value kept, history entry by the signed-in user.
  const {experiment} = await api('GET', `/api/campaigns/${CAMPAIGN}/experiments/2`);
  assert.equal(experiment.status, 'failed');
  assert.equal(experiment.reason, 'thermocouple read 40 K low');
  assert.equal(experiment.results.jc.value, 23000);
  const last = experiment.history.at(-1);
  assert.deepEqual([last.old, last.new, last.who], ['done', 'failed', 'e2e-researcher']);
  assert.equal((await api('GET', `/api/campaigns/${CAMPAIGN}/best`)).experiment.id, 3);
});

test('the batch input takes the server limit and message (1..1000)', async () => {
  const {campaign} = await api('GET', `/api/campaigns/${CAMPAIGN}`);
  assert.deepEqual(campaign.limits.batch,
    {min: 1, max: 1000, message: 'batch must be between 1 and 1000'});
  await page.click('a[data-tab=suggest]');
  const batch = page.locator('#batch-size');
  await batch.waitFor();
  assert.equal(await batch.getAttribute('max'), '1000');
  await batch.fill('1001');
  assert.equal(await batch.evaluate((el) => el.validationMessage),
    'batch must be between 1 and 1000');
  // The browser refuses to submit: no request, no new experiments.
  const before = (await api('GET', `/api/campaigns/${CAMPAIGN}/experiments`)).experiments.length;
  await page.click('#run-suggest');
  assert.equal(await batch.evaluate((el) => el.checkValidity()), false);
  await batch.fill('1000');
  assert.equal(await batch.evaluate((el) => el.checkValidity()), true);
  assert.equal((await api('GET', `/api/campaigns/${CAMPAIGN}/experiments`)).experiments.length,
    before);
  await page.click('a[data-tab=data]');
  await page.waitForSelector('#data-table');
});

test('changes made elsewhere appear without a reload; an unsaved value survives', async () => {
  await page.evaluate(() => { window.notReloaded = true; });
  // A colleague proposes an experiment through the API: it appears within a few polls.
  const {experiment: proposal} = await api('POST', `/api/campaigns/${CAMPAIGN}/experiments`,
    {params: {heating_rate: 45, max_temp: 590, hold_time: 8}, rationale: 'from the CLI'});
  const proposed = page.locator(`#data-table tbody tr[data-id="${proposal.id}"]`);
  await proposed.waitFor({timeout: 15000});
  assert.match(await page.textContent('#refresh-note'), /^updated \d\d:\d\d:\d\d$/);
  // We start typing a result into it, without saving ...
  const input = proposed.locator('input.result-input');
  await input.fill('12345');
  // ... while another colleague records a measured experiment.
  const measured = await addMeasured([35, 575, 20, 18500]);
  await page.locator(`#data-table tbody tr[data-id="${measured.id}"]`).waitFor({timeout: 15000});
  assert.equal(await input.inputValue(), '12345', 'the typed value survives the refresh');
  assert.equal(await input.evaluate((el) => el === document.activeElement), true);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'no page reload');
  // A status change by someone else is picked up too.
  await api('POST', `/api/campaigns/${CAMPAIGN}/experiments/${proposal.id}/start`, {});
  await page.locator(`#data-table tbody tr[data-id="${proposal.id}"].status-running`)
    .waitFor({timeout: 15000});
  assert.equal(await input.inputValue(), '12345');
  await screenshot(page, 'data-live-refresh');
});
