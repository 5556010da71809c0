// `sociale-kaart serve` in a real browser: the open page reloads itself after
// a save, shows the errors while a file is broken and returns once it is
// fixed, all under the theme's Content-Security-Policy (the preview sends the
// headers from `_headers`). Timeouts only bound the waiting.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { REPO, browser, closeAll } from './harness.mjs';

const BINARY = join(REPO, 'target', 'debug', 'sociale-kaart');
const ENV = { ...process.env, SOURCE_DATE_EPOCH: '1795392000', NO_COLOR: '1' };
const PATIENCE = 120_000;

let workDir;
let site;
let preview;
let origin;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sk-serve-'));
  site = join(workDir, 'kaart');
  const init = spawnSync(BINARY, ['init', site], { env: ENV, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  preview = spawn(BINARY, ['serve', '--port', '0', '--site', site], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  origin = await new Promise((resolve, reject) => {
    let log = '';
    preview.stderr.on('data', (chunk) => {
      log += chunk;
      const found = log.match(/draait op (http:\/\/127\.0\.0\.1:\d+)\//);
      if (found) resolve(found[1]);
    });
    preview.on('exit', (code) => reject(new Error(`serve stopped (${code}):\n${log}`)));
  });
});

after(async () => {
  preview?.kill();
  await closeAll();
  rmSync(workDir, { recursive: true, force: true });
});

test('the open page follows saves, shows errors while broken and returns when fixed', async () => {
  const context = await (await browser()).newContext({ locale: 'nl-NL' });
  const page = await context.newPage();
  const problems = [];
  const foreign = [];
  page.on('console', (message) => {
    // The error page is served with status 500, which Chromium logs.
    if (message.type() === 'error' && !message.text().includes('status of 500')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() === 404) problems.push(`404: ${response.url()}`);
  });
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== origin) foreign.push(request.url());
  });

  const connected = page.waitForResponse((r) => r.url().endsWith('/__sociale-kaart/events'), { timeout: PATIENCE });
  await page.goto(`${origin}/aanbod/opvoedspreekuur/`);
  await connected;
  const heading = page.locator('h1');
  assert.equal((await heading.textContent()).trim(), 'Opvoedspreekuur');

  const offer = join(site, 'content', 'aanbod', 'opvoedspreekuur.md');
  const good = readFileSync(offer, 'utf8');

  writeFileSync(offer, good.replace('titel: Opvoedspreekuur', 'titel: Opvoedspreekuur op maandag'));
  await page.locator('h1', { hasText: 'Opvoedspreekuur op maandag' }).waitFor({ timeout: PATIENCE });

  writeFileSync(offer, good.replace('themas: [opvoeden]', 'themas: [opvoedingen]'));
  await page.locator('h1', { hasText: 'kan niet worden bijgewerkt' }).waitFor({ timeout: PATIENCE });
  // A save may reach the preview in two builds; wait for the one with all of it.
  await page.locator('main', { hasText: 'opvoedingen' }).waitFor({ timeout: PATIENCE });
  const errors = await page.locator('main').textContent();
  assert.match(errors, /content\/aanbod\/opvoedspreekuur\.md/);
  assert.match(errors, /'opvoedingen' is geen bekend thema\./);
  assert.match(errors, /Regel \d+, kolom \d+/);
  // The error page is styled by its own stylesheet, allowed by the CSP.
  const border = await page.locator('li.fout').first().evaluate((li) => getComputedStyle(li).borderLeftStyle);
  assert.equal(border, 'solid');

  writeFileSync(offer, good);
  await page.locator('h1', { hasText: /^\s*Opvoedspreekuur\s*$/ }).waitFor({ timeout: PATIENCE });

  assert.deepEqual(problems, [], 'no console errors or CSP violations');
  assert.deepEqual(foreign, [], 'no request leaves the preview');
  await context.close();
});
