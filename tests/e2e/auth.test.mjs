// Browser test of what needs no campaign: an unauthenticated visitor is refused (API 401, page
// shows the sign-in form, nothing readable), the printed URL signs in via an HttpOnly cookie, and
// the embedded Plotly bundle loads and draws offline.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {launchBrowser, plotData, screenshot, startServer} from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer('auth');
  browser = await launchBrowser('auth');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an unauthenticated request is refused and changes nothing', async () => {
  const page = await browser.context.newPage();
  const response = await page.request.get(`${server.base}/api/campaigns`);
  assert.equal(response.status(), 401);
  assert.equal((await response.json()).error.code, 'auth.required');
  const write = await page.request.post(`${server.base}/api/campaigns`,
    {data: {name: 'x', parameters: [], objectives: []}});
  assert.equal(write.status(), 401);
  const wrong = await page.request.get(`${server.base}/api/session?token=${'0'.repeat(64)}`);
  assert.equal(wrong.status(), 401);

  await page.goto(server.base);
  await page.waitForSelector('form.login');
  assert.match(await page.textContent('form.login'), /needs an access token/);
  await screenshot(page, 'sign-in');
  await page.close();
});

test('the printed URL signs in with an HttpOnly cookie and drops the token from the address', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#who:has-text("e2e-researcher")');
  assert.equal(new URL(page.url()).search, '', 'token removed from the address bar');
  const cookies = await browser.context.cookies(server.base);
  const cookie = cookies.find((c) => c.name === 'kyoso_token');
  assert.ok(cookie, 'token cookie set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('kyoso_token')), false,
    'scripts cannot read the token');
  // The session endpoint now answers for the signed-in user.
  const session = await page.evaluate(async () => (await fetch('/api/session')).json());
  assert.equal(session.user, 'e2e-researcher');
  await page.close();
});

test('the sign-in form accepts a pasted token', async () => {
  const fresh = await launchBrowser('auth-login');
  try {
    const page = await fresh.context.newPage();
    await page.goto(server.base);
    await page.fill('form.login input[name=token]', 'not-a-token');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('.toast.error');
    await page.fill('form.login input[name=token]', server.token);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#who:has-text("e2e-researcher")');
  } finally {
    await fresh.close();
  }
});

test('the embedded Plotly bundle loads offline and draws', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  const version = await page.evaluate(() => window.Plotly && window.Plotly.version);
  assert.match(version, /^\d+\.\d+\.\d+$/);
  await page.evaluate(async () => {
    const div = document.createElement('div');
    div.id = 'probe';
    document.body.append(div);
    await window.Plotly.newPlot(div, [{x: [1, 2, 3], y: [2, 4, 8]}]);
  });
  const traces = await plotData(page, 'probe');
  assert.equal(traces[0].points, 3);
  await page.close();
});
