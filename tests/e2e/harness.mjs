// Shared harness of the browser tests: a real `kyoso serve` on a fresh SQLite file and a loopback
// port below 32768, and Debian's Chromium driven by playwright-core with the flags of
// ../../shared NOTES (headless, no sandbox, no GPU, no background networking, fresh profile).
// Environment: KYOSO_BIN (the kyoso executable), KYOSO_E2E_ARTIFACTS (screenshot folder),
// KYOSO_CHROMIUM (default /usr/bin/chromium).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

export const artifacts = process.env.KYOSO_E2E_ARTIFACTS ||
  path.join(os.tmpdir(), 'kyoso-e2e-artifacts');
fs.mkdirSync(artifacts, {recursive: true});

function waitForLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`kyoso serve did not start: ${err}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, newline)));
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kyoso serve exited with ${code}: ${err}`));
    });
  });
}

// Starts `kyoso serve --json` on a free port in [20000, 32000); returns {url, base, token, stop}.
export async function startServer(name) {
  const bin = process.env.KYOSO_BIN;
  if (!bin) throw new Error('KYOSO_BIN is not set (the ctest registration sets it)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kyoso-e2e-${name}-`));
  const db = path.join(dir, 'e2e.db');
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + ((process.pid * 7 + attempt * 131 + name.length * 17) % 12000);
    const child = spawn(bin, ['serve', '--db', db, '--port', String(port), '--json', '--quiet',
      '--user', 'e2e-researcher'], {stdio: ['ignore', 'pipe', 'pipe']});
    try {
      const info = await waitForLine(child, 15000);
      const url = new URL(info.url);
      return {
        url: info.url, base: `${url.protocol}//${url.host}`, token: url.searchParams.get('token'),
        db, dir,
        stop: () => new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
      };
    } catch (error) {
      if (!/cannot listen|server\.bind/.test(String(error))) throw error;
    }
  }
  throw new Error('no free port for kyoso serve');
}

export async function launchBrowser(name) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), `kyoso-chromium-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.KYOSO_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
    viewport: {width: 1400, height: 1000},
  });
  const close = async () => {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  };
  return {context, close};
}

export async function screenshot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({path: file, fullPage: true});
  return file;
}

// The traces Plotly drew on a graph div: [{type, points}] where points counts finite y (or z)
// values; throws when the div has no Plotly data.
export async function plotData(page, id) {
  await page.waitForFunction((divId) => {
    const div = document.getElementById(divId);
    return div && Array.isArray(div.data) && div.data.length > 0;
  }, id, {timeout: 60000});
  return page.evaluate((divId) => {
    const count = (v) => (Array.isArray(v)
      ? v.reduce((n, x) => n + count(x), 0) : (typeof v === 'number' && Number.isFinite(v) ? 1 : 0));
    return document.getElementById(divId).data.map((t) => ({
      type: t.type || 'scatter', points: count(t.z ?? t.y), x: count(t.x),
    }));
  }, id);
}
