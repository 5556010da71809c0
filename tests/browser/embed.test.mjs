// The embeddable lists (/embed/<soort>/<id>/) in headless Chromium: they render
// with their own stylesheet under the site's CSP, inside a frame, without
// script, and pass axe.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { closeAll, openPage, site } from './harness.mjs';

after(closeAll);

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const EMBED = '/embed/themas/scheiding/';

/** Slugs of the offers in a theme, from the site's own open data. */
async function offersInTheme(theme) {
  const { dir } = await site();
  const data = JSON.parse(readFileSync(join(dir, 'data', 'aanbod.json'), 'utf8'));
  return data.aanbod.filter((a) => a.themas.some((t) => t.id === theme)).map((a) => a.id);
}

test('a framed list renders with its stylesheet under the CSP, links opening the whole window', async () => {
  const visit = await openPage('/');
  try {
    const { page } = visit;
    // A page of the same origin frames the list, as the municipal site would.
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'Hulp bij scheiding';
      document.body.append(frame);
    }, EMBED);
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    await frame.waitForLoadState('load');
    await page.waitForLoadState('networkidle');
    const facts = await frame.evaluate(() => ({
      links: [...document.querySelectorAll('.sk-titel')].map((a) => new URL(a.href).pathname),
      base: document.querySelector('base')?.target,
      titleWeight: getComputedStyle(document.querySelector('.sk-titel')).fontWeight,
      scripts: document.querySelectorAll('script').length,
      inlineStyle: document.querySelectorAll('[style], style').length,
      heading: document.querySelector('h1')?.textContent,
    }));
    const slugs = await offersInTheme('scheiding');
    assert.ok(slugs.length > 0);
    assert.deepEqual(facts.links, slugs.map((s) => `/aanbod/${s}/`));
    assert.equal(facts.base, '_top', 'links open in the whole window');
    assert.equal(facts.titleWeight, '700', '/embed/embed.css is applied');
    assert.equal(facts.scripts, 0);
    assert.equal(facts.inlineStyle, 0);
    assert.equal(facts.heading, 'Scheiding');
    assert.deepEqual(visit.foreignRequests, [], 'no request to another origin');
    assert.deepEqual(visit.consoleErrors, [], 'no console errors or CSP violations');
  } finally {
    await visit.close();
  }
});

test('the framed list works without JavaScript and has no WCAG 2.1 A/AA violations', async () => {
  const plain = await openPage(EMBED, { javaScriptEnabled: false });
  try {
    assert.equal(plain.response.status(), 200);
    assert.ok((await plain.page.locator('.sk-item').count()) > 0);
  } finally {
    await plain.close();
  }
  // axe is injected as a script, which the CSP forbids: only here is it bypassed.
  const visit = await openPage(EMBED, { bypassCSP: true });
  try {
    await visit.page.addScriptTag({ content: AXE_SOURCE });
    const result = await visit.page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    );
    const violations = result.violations.map((v) => `${v.id}: ${v.help}`);
    assert.deepEqual(violations, [], violations.join('\n'));
  } finally {
    await visit.close();
  }
});
