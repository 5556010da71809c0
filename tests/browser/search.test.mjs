// The search page in headless Chromium, with the site's CSP enforced: typing,
// filters, the URL and the back button, no results, keyboard and screen
// reader hooks, and the page without JavaScript.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { closeAll, openPage } from './harness.mjs';

after(closeAll);

const STATUS = '[data-zoek="status"]';
const RESULT_TITLES = '[data-zoek="lijst"] .kaart__titel';

/** Opens a page and, when done, checks that it stayed on its origin without errors. */
async function visiting(path, options, body) {
  const visit = await openPage(path, options);
  try {
    await body(visit);
    assert.deepEqual(visit.foreignRequests, [], 'no request leaves the site');
    assert.deepEqual(visit.consoleErrors, [], 'no console errors');
    assert.deepEqual(await visit.cookies(), [], 'no cookies');
  } finally {
    await visit.close();
  }
}

/** Waits until the result count says something that matches `pattern`. */
async function status(page, pattern) {
  await page.waitForFunction(
    ([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.textContent ?? ''),
    [STATUS, pattern.source],
  );
  return page.textContent(STATUS);
}

async function titles(page) {
  return page.$$eval(RESULT_TITLES, (nodes) => nodes.map((n) => n.textContent.trim()));
}

function params(page) {
  return new URL(page.url()).searchParams;
}

async function typeQuery(page, text) {
  await page.fill('#zoek-pagina', '');
  await page.type('#zoek-pagina', text, { delay: 20 });
}

describe('search page', () => {
  test('results appear while typing, with prefix and typo tolerance', async () => {
    await visiting('/zoeken/', {}, async ({ page }) => {
      await typeQuery(page, 'schei');
      await status(page, /resultaten voor ‘schei’/);
      assert.ok((await titles(page)).includes('Scheidingstafel'), 'a half-typed word finds the scheiding offers');
      assert.equal(params(page).get('q'), 'schei');
      await typeQuery(page, 'scheidng');
      await status(page, /resultaten voor ‘scheidng’/);
      assert.ok((await titles(page)).slice(0, 3).includes('Scheidingstafel'), 'a typo still finds them');
      const marks = await page.$$eval('[data-zoek="lijst"] mark', (nodes) => nodes.map((n) => n.textContent.toLowerCase()));
      assert.ok(marks.some((m) => m.includes('scheiding')), 'matched words are highlighted');
    });
  });

  test('a whole sentence finds the offers that match it best', async () => {
    await visiting('/zoeken/', {}, async ({ page }) => {
      await typeQuery(page, 'mijn ouders gaan uit elkaar ');
      await status(page, /resultaten voor/);
      const top = (await titles(page)).slice(0, 3);
      assert.ok(
        top.some((t) => /scheiding|kies voor het kind|ouderschapsplan/i.test(t)),
        `the scheiding offers come first: ${top}`,
      );
    });
  });

  test('filters narrow the results, keep live counts and live in the URL', async () => {
    await visiting('/zoeken/?q=ouders', { viewport: { width: 1280, height: 900 } }, async ({ page }) => {
      const before = await status(page, /resultaten voor ‘ouders’/);
      const total = parseInt(before, 10);
      const box = page.locator('#filter-thema-0');
      const label = await page.textContent('label[for="filter-thema-0"]');
      const count = parseInt(label.match(/\((\d+)\)/)[1], 10);
      await box.check();
      const after = await status(page, new RegExp(`^${count} resulta`));
      assert.ok(count < total, `${after} < ${before}`);
      assert.deepEqual(params(page).getAll('thema'), ['scheiding']);
      assert.equal((await titles(page)).length, Math.min(count, 10));
      // The chosen filter is shown and can be removed.
      await page.click('.filterlabel:has-text("Thema: Scheiding")');
      await status(page, new RegExp(`^${total} resulta`));
      assert.deepEqual(params(page).getAll('thema'), []);
      // Age: every offer shown fits a child of 6.
      await page.selectOption('#filter-leeftijd', '6');
      // The status line reads the same before and after; wait for the list itself.
      await page.waitForFunction(() => [...document.querySelectorAll('[data-zoek="lijst"] .label')].every((n) => {
        const m = n.textContent.match(/^(\d+) tot en met (\d+) jaar$/);
        return !m || (Number(m[1]) <= 6 && 6 <= Number(m[2]));
      }));
      await status(page, /resultaten voor ‘ouders’/);
      assert.equal(params(page).get('leeftijd'), '6');
      const ranges = await page.$$eval('[data-zoek="lijst"] .label', (nodes) => nodes.map((n) => n.textContent));
      for (const range of ranges) {
        const m = range.match(/^(\d+) tot en met (\d+) jaar$/);
        if (m) assert.ok(Number(m[1]) <= 6 && 6 <= Number(m[2]), range);
      }
    });
  });

  test('a shared link restores query and filters, and the back button walks back', async () => {
    await visiting('/zoeken/?q=gepest&thema=weerbaarheid', {}, async ({ page }) => {
      await status(page, /resultaten voor ‘gepest’/);
      assert.equal(await page.inputValue('#zoek-pagina'), 'gepest');
      assert.equal(await page.isChecked('input[data-facet="thema"][value="3"]'), true);
      const filtered = await titles(page);
      assert.ok(filtered.length > 0);

      await page.click('.filterlabel:has-text("Thema: Weerbaarheid")');
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('thema'));
      const unfiltered = parseInt(await page.textContent(STATUS), 10);
      assert.ok(unfiltered >= filtered.length);

      await typeQuery(page, 'scheiding');
      await status(page, /‘scheiding’/);
      await page.goBack();
      await status(page, /‘gepest’/);
      assert.equal(await page.inputValue('#zoek-pagina'), 'gepest');
      assert.equal(params(page).has('thema'), false);
      await page.goBack();
      await status(page, /‘gepest’/);
      assert.deepEqual(params(page).getAll('thema'), ['weerbaarheid']);
      assert.equal(await page.isChecked('input[data-facet="thema"][value="3"]'), true);
      assert.deepEqual(await titles(page), filtered);
      await page.goForward();
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('thema'));
      assert.equal(await page.isChecked('input[data-facet="thema"][value="3"]'), false);
    });
  });

  test('a village or an age in the query becomes a filter that can be dropped', async () => {
    await visiting('/zoeken/', {}, async ({ page }) => {
      await typeQuery(page, 'jongeren denekamp 15 jaar');
      await status(page, /resultaten voor/);
      const chips = await page.$$eval('.filterlabel', (nodes) => nodes.map((n) => n.textContent));
      assert.ok(chips.some((c) => c.includes('In Denekamp')), chips.join());
      assert.ok(chips.some((c) => c.includes('15 jaar')), chips.join());
      await page.click('.filterlabel:has-text("In Denekamp")');
      await page.waitForFunction(() => document.getElementById('zoek-pagina').value === 'jongeren 15 jaar');
      await page.click('.filterlabel:has-text("15 jaar")');
      await page.waitForFunction(() => document.getElementById('zoek-pagina').value === 'jongeren');
      await status(page, /‘jongeren’/);
    });
    await visiting('/zoeken/?q=sport%20ootmarsum', { viewport: { width: 1280, height: 900 } }, async ({ page }) => {
      await status(page, /‘sport ootmarsum’/);
      const village = page.locator('label:has-text("Ootmarsum")').locator('xpath=preceding-sibling::input');
      assert.equal(await village.isChecked(), true, 'the named village shows as a chosen filter');
      await village.uncheck();
      await page.waitForFunction(() => document.getElementById('zoek-pagina').value === 'sport');
      assert.equal(params(page).get('q'), 'sport');
    });
  });

  test('an empty query with a filter browses A to Z', async () => {
    await visiting('/zoeken/?thema=scheiding', {}, async ({ page }) => {
      await status(page, /^\d+ resultaten$/);
      const shown = await page.$$eval('[data-zoek="lijst"] > li', (items) =>
        items.map((li) => [li.querySelector('.kaart__titel').textContent.trim(), /Organisatie/.test(li.querySelector('.labels')?.textContent ?? '')]),
      );
      assert.ok(shown.length >= 3);
      const firstOrganisation = shown.findIndex(([, organisation]) => organisation);
      const offers = shown.slice(0, firstOrganisation < 0 ? shown.length : firstOrganisation);
      assert.ok(offers.length >= 3 && shown.slice(offers.length).every(([, organisation]) => organisation), 'offers first, then organisations');
      const names = offers.map(([title]) => title);
      const sorted = [...names].sort((a, b) => a.localeCompare(b, 'nl', { sensitivity: 'base' }));
      assert.deepEqual(names, sorted);
    });
  });

  test('no results offers to drop a filter, or shows themes', async () => {
    await visiting('/zoeken/?q=voorlezen&thema=scheiding', {}, async ({ page }) => {
      await status(page, /^0 resultaten/);
      const drop = page.locator('[data-zoek="leeg"] button', { hasText: 'Zonder filter thema' });
      await drop.click();
      await status(page, /^[1-9]\d* resulta/);
      assert.equal(params(page).has('thema'), false);
      assert.ok((await titles(page)).some((t) => /voorlees/i.test(t)));
    });
    await visiting('/zoeken/?q=qqqqzzzz', {}, async ({ page }) => {
      await status(page, /^0 resultaten/);
      const links = await page.$$eval('[data-zoek="leeg"] a', (nodes) => nodes.map((n) => n.getAttribute('href')));
      assert.ok(links.length > 0 && links.every((href) => href.startsWith('/themas/')), links.join());
    });
  });

  test('controls are labelled, the count is announced, and the keyboard works', async () => {
    await visiting('/zoeken/?q=kinderen', { viewport: { width: 1280, height: 900 } }, async ({ page }) => {
      await status(page, /resultaten voor/);
      const unlabelled = await page.$$eval('[data-zoek="app"] input, [data-zoek="app"] select', (controls) =>
        controls.filter((c) => c.labels.length === 0).map((c) => c.id),
      );
      assert.deepEqual(unlabelled, []);
      assert.equal(await page.getAttribute(STATUS, 'role'), 'status');
      // Keyboard: Space toggles a filter.
      await page.focus('#filter-gratis');
      await page.keyboard.press('Space');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('gratis') === '1');
      // "Toon meer" moves focus to the first new result.
      await page.keyboard.press('Space');
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('gratis'));
      const more = page.locator('[data-zoek="meer"]');
      if (await more.isVisible()) {
        await more.focus();
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.querySelectorAll('[data-zoek="lijst"] > li').length > 10);
        const focused = await page.evaluate(() => document.activeElement.closest('li') === document.querySelectorAll('[data-zoek="lijst"] > li')[10]);
        assert.ok(focused, 'focus is on the first new result');
      }
      // Enter in the search box keeps the page (no reload) and searches.
      await page.fill('#zoek-pagina', 'autisme');
      await page.press('#zoek-pagina', 'Enter');
      await status(page, /‘autisme’/);
    });
  });

  test('the header search box on another page leads to results', async () => {
    await visiting('/themas/', {}, async ({ page }) => {
      await page.fill('#zoek-kop', 'geldzorgen');
      await page.press('#zoek-kop', 'Enter');
      await page.waitForURL(/\/zoeken\/\?q=geldzorgen/);
      await status(page, /‘geldzorgen’/);
      assert.ok((await titles(page)).length > 0);
    });
  });

  test('without JavaScript the page still leads somewhere', async () => {
    await visiting('/zoeken/?q=scheiding', { javaScriptEnabled: false }, async ({ page }) => {
      assert.equal(await page.isVisible('[data-zoek="app"]'), false);
      assert.ok(await page.isVisible('[data-zoek="zonder-js"]'));
      const links = await page.$$eval('[data-zoek="bladeren"] a', (nodes) => nodes.map((n) => n.getAttribute('href')));
      for (const prefix of ['/themas/', '/gemeenten/', '/kernen/', '/leeftijd/']) {
        assert.ok(links.some((href) => href.startsWith(prefix)), `links to ${prefix}`);
      }
    });
  });

  test('the index is fetched from the site only, and little of it', async () => {
    await visiting('/zoeken/?q=scheiding', {}, async ({ page, requests }) => {
      await status(page, /‘scheiding’/);
      const index = requests.filter((r) => r.includes('/zoekindex/'));
      assert.ok(index.some((r) => r.endsWith('/zoekindex/meta.json')));
      const termChunks = index.filter((r) => /\/t-[0-9a-f]{10}\.bin$/.test(r));
      assert.ok(termChunks.length >= 1);
    });
  });
});
