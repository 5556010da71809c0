// Accessibility, validity, privacy and print checks of every page type of the
// example site, in headless Chromium with the site's CSP enforced.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { PAGE_TYPES, REPO, closeAll, htmlFiles, openPage, parseHeadersFile, site } from './harness.mjs';

after(closeAll);

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU_JAR = join(REPO, 'tests', 'browser', 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The one console error a missing page may log: its own 404 status. */
function unexpectedErrors(name, errors) {
  return name === '404' ? errors.filter((e) => !/status of 404/.test(e)) : errors;
}

describe('axe-core: zero WCAG 2.1 A/AA violations', () => {
  for (const [name, path] of Object.entries(PAGE_TYPES)) {
    test(`${name} ${path}`, async () => {
      // axe is injected as a script, which the CSP forbids: only here is it bypassed.
      const visit = await openPage(path, { bypassCSP: true });
      try {
        if (name === 'zoeken-resultaten') await openAllFacets(visit.page);
        await visit.page.addScriptTag({ content: AXE_SOURCE });
        const result = await visit.page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
          WCAG_TAGS,
        );
        const violations = result.violations.map(
          (v) => `${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
        );
        assert.deepEqual(violations, [], violations.join('\n'));
        assert.ok(result.passes.length > 10, 'axe ran its rules');
      } finally {
        await visit.close();
      }
    });
  }
});

/** Waits for the search results, then opens every collapsible filter group. */
async function openAllFacets(page) {
  await page.locator('main .kaart').first().waitFor();
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
  });
}

describe('privacy, CSP and structure (CSP enforced)', () => {
  for (const [name, path] of Object.entries(PAGE_TYPES)) {
    test(`${name} ${path}`, async () => {
      const visit = await openPage(path);
      try {
        const { page } = visit;
        assert.equal(visit.response.status(), name === '404' ? 404 : 200);
        const csp = visit.response.headers()['content-security-policy'] ?? '';
        assert.match(csp, /default-src 'self'/, 'the page is served with the CSP');
        // Let deferred scripts and late requests run before judging.
        await page.waitForLoadState('networkidle');
        assert.deepEqual(visit.foreignRequests, [], 'no request to another origin');
        assert.deepEqual(await visit.cookies(), [], 'no cookies');
        assert.deepEqual(unexpectedErrors(name, visit.consoleErrors), [], 'no console errors or CSP violations');

        const facts = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          h1: document.querySelectorAll('h1').length,
          main: document.querySelectorAll('main').length,
          banner: document.querySelectorAll('body > header').length,
          footer: document.querySelectorAll('body > footer').length,
          inlineStyle: document.querySelectorAll('[style], style').length,
          inlineScript: [...document.querySelectorAll('script')].filter(
            (s) => !s.src && s.type !== 'application/ld+json',
          ).length,
          skipTarget: document.querySelector('.skiplink')?.getAttribute('href'),
          canonical: document.querySelector('link[rel=canonical]')?.href,
          ogTitle: document.querySelector('meta[property="og:title"]')?.content,
          ogUrl: document.querySelector('meta[property="og:url"]')?.content,
        }));
        assert.equal(facts.lang, 'nl');
        assert.equal(facts.h1, 1, 'exactly one h1');
        assert.equal(facts.main, 1, 'one main landmark');
        assert.equal(facts.banner, 1, 'a page header');
        assert.equal(facts.footer, 1, 'a page footer');
        assert.equal(facts.inlineStyle, 0, 'no inline style');
        assert.equal(facts.inlineScript, 0, 'no inline script');
        assert.equal(facts.skipTarget, '#inhoud');
        assert.equal(await page.locator('#inhoud').count(), 1, 'the skip link has a target');
        assert.match(facts.canonical ?? '', /^https:\/\/sociale-kaart\.example\.org\//);
        assert.ok(facts.ogTitle, 'og:title');
        assert.equal(facts.ogUrl, facts.canonical);
      } finally {
        await visit.close();
      }
    });
  }
});

describe('400% zoom: no horizontal scrolling at 320 CSS pixels', () => {
  for (const [name, path] of Object.entries(PAGE_TYPES)) {
    test(`${name} ${path}`, async () => {
      const visit = await openPage(path, { viewport: { width: 320, height: 256 } });
      try {
        const { scrollWidth, clientWidth } = await visit.page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        }));
        assert.ok(scrollWidth <= clientWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px window`);
      } finally {
        await visit.close();
      }
    });
  }
});

test('the skip link is the first stop and its focus is visible', async () => {
  const visit = await openPage(PAGE_TYPES.aanbod);
  try {
    await visit.page.keyboard.press('Tab');
    const focused = await visit.page.evaluate(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return { className: element.className, outline: style.outlineStyle, width: style.outlineWidth, top: box.top };
    });
    assert.equal(focused.className, 'skiplink');
    assert.notEqual(focused.outline, 'none');
    assert.ok(parseFloat(focused.width) >= 2, 'outline at least 2px');
    assert.ok(focused.top >= 0, 'the focused skip link is on screen');
    await visit.page.keyboard.press('Enter');
    assert.equal(await visit.page.evaluate(() => document.activeElement.id), 'inhoud');
  } finally {
    await visit.close();
  }
});

test('prefers-reduced-motion turns off smooth scrolling and transitions', async () => {
  const visit = await openPage(PAGE_TYPES.home);
  try {
    const styles = () =>
      visit.page.evaluate(() => ({
        scroll: getComputedStyle(document.documentElement).scrollBehavior,
        transition: getComputedStyle(document.querySelector('.knop')).transitionDuration,
      }));
    await visit.page.emulateMedia({ reducedMotion: 'no-preference' });
    assert.equal((await styles()).scroll, 'smooth');
    await visit.page.emulateMedia({ reducedMotion: 'reduce' });
    assert.deepEqual(await styles(), { scroll: 'auto', transition: '0s' });
  } finally {
    await visit.close();
  }
});

describe('print', () => {
  for (const path of [PAGE_TYPES.aanbod, PAGE_TYPES.thema]) {
    test(`${path} prints without navigation, search or buttons`, async () => {
      const visit = await openPage(path);
      try {
        await visit.page.emulateMedia({ media: 'print' });
        const shown = await visit.page.evaluate(() => {
          const hidden = (selector) =>
            [...document.querySelectorAll(selector)].every((e) => getComputedStyle(e).display === 'none');
          return {
            menu: hidden('nav.menu'),
            search: hidden('form[role=search]'),
            breadcrumb: hidden('.kruimelpad'),
            buttons: [...document.querySelectorAll('button')].every((b) => b.offsetParent === null),
            address: getComputedStyle(document.querySelector('.printadres')).display,
            h1: getComputedStyle(document.querySelector('h1')).display,
          };
        });
        assert.deepEqual(shown, {
          menu: true,
          search: true,
          breadcrumb: true,
          buttons: true,
          address: 'block',
          h1: 'block',
        });
        const pdf = await visit.page.pdf({ format: 'A4' });
        assert.ok(pdf.length > 1000, 'the page prints to a PDF');
      } finally {
        await visit.close();
      }
    });
  }
});

test('offer page: copy link and print buttons work with JavaScript', async () => {
  const visit = await openPage(PAGE_TYPES.aanbod);
  try {
    const { page, context } = visit;
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const copy = page.getByRole('button', { name: 'Kopieer link' });
    await copy.click();
    await page.getByRole('status').filter({ hasText: 'gekopieerd' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, 'https://sociale-kaart.example.org/aanbod/training-ik-durf/');
    assert.ok(await page.getByRole('button', { name: 'Print' }).isVisible());
    const mail = await page.getByRole('link', { name: 'Deel per e-mail' }).getAttribute('href');
    assert.match(mail, /^mailto:\?subject=/);
    assert.ok(decodeURIComponent(mail).includes(copied), 'the e-mail holds the link');
    assert.deepEqual(visit.consoleErrors, []);
  } finally {
    await visit.close();
  }
});

test('offer page without JavaScript hides the buttons that need it', async () => {
  const visit = await openPage(PAGE_TYPES.aanbod, { javaScriptEnabled: false });
  try {
    assert.equal(await visit.page.getByRole('button', { name: 'Kopieer link' }).count(), 0, 'hidden from everyone');
    assert.ok(await visit.page.getByRole('link', { name: 'Deel per e-mail' }).isVisible());
  } finally {
    await visit.close();
  }
});

test('the nginx snippet sends the same security headers as _headers', async () => {
  const { dir } = await site();
  const [rule] = parseHeadersFile(readFileSync(join(dir, '_headers'), 'utf8'));
  assert.equal(rule.pattern, '/*');
  const nginx = readFileSync(join(REPO, 'themes', 'default', 'nginx.conf'), 'utf8');
  const fromNginx = Object.fromEntries(
    [...nginx.matchAll(/^add_header\s+(\S+)\s+"([^"]*)"\s+always;/gm)].map((m) => [m[1], m[2]]),
  );
  assert.deepEqual(fromNginx, rule.headers);
  assert.match(rule.headers['Content-Security-Policy'], /default-src 'self'/);
  assert.doesNotMatch(rule.headers['Content-Security-Policy'], /unsafe-inline/);
  for (const name of ['Referrer-Policy', 'X-Content-Type-Options', 'Permissions-Policy']) {
    assert.ok(rule.headers[name], name);
  }
});

test('Nu Html Checker: zero errors in every built page', { timeout: 300_000 }, async () => {
  const files = await htmlFiles();
  assert.ok(files.length > 50, `${files.length} pages`);
  const run = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(run.stderr.trim().startsWith('{'), `vnu did not run: ${run.error ?? run.stderr}`);
  const { messages } = JSON.parse(run.stderr);
  const errors = messages.map((m) => `${m.url.replace(/^.*\/public\//, '')}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, [], errors.slice(0, 30).join('\n'));
});
