// Search benchmark: index build time, bytes before the first results and
// query latency in headless Chromium, for the example site and synthetic
// sites, side by side with Pagefind on the same built pages. A benchmark,
// not a test: it prints numbers and asserts nothing.
//
//   (cd tests/browser && npm ci)                  # playwright-core
//   npm install --prefix /tmp/pagefind pagefind@1.6   # optional, outside the repo
//   node benches/search/bench.mjs [--sizes 1000,10000] [--runs 5] \
//        [--pagefind /tmp/pagefind/node_modules/.bin/pagefind] [--work /tmp/sk-bench]
//
// It builds the release binary and the synthetic site generator
// (examples/synthetic_site.rs), generates and builds each site, times the
// search index build on its own (benches/search/index.rs), runs
// Pagefind on the offer and provider pages of each built site (the same
// documents our index holds), serves each site from a local server that
// reports what a static host would send (gzip and brotli for text, wasm and
// JSON; our pre-compressed .bin and Pagefind's .pf_* files as they are),
// and drives Debian's Chromium with playwright-core. Results go to stdout
// (a Markdown table) and to <work>/results.json.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(REPO, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const SIZES = (args.sizes ?? '1000,10000').split(',').filter(Boolean).map(Number);
const RUNS = Number(args.runs ?? 5);
const WORK = resolve(args.work ?? '/tmp/sociale-kaart-bench');
const PAGEFIND = args.pagefind ?? process.env.PAGEFIND_BIN ?? null;
const BINARY = join(REPO, 'target', 'release', 'sociale-kaart');
const EPOCH = '1795392000';

/** What parents and professionals type: at least 50 queries. */
const QUERIES = [
  'scheiding', 'echtscheiding', 'uit elkaar', 'mijn ouders gaan scheiden', 'mijn zoon heeft geen vriendjes',
  'onze dochter van 6 slaapt slecht', 'gepest', 'mijn kind wordt gepest op school', 'scheidng', 'opvoedng',
  'weerbaarheidstraining', 'training', 'jongerenwerker', 'jongeren denekamp', 'ootmarsum', '8 jaar pesten',
  'geldzorgen', 'schulden', 'alcohol drugs', 'blowen', 'autisme', 'adhd druk gedrag', 'huiselijk geweld',
  'veilig thuis', 'zwanger', 'baby consultatiebureau', 'puber', '18 worden', 'logeren', 'steungezin',
  'mantelzorg', 'rouw verdriet', 'psycholoog', 'thuiszitter', 'schoolverzuim', 'sport beperking', 'voorlezen',
  'jeugdconsulent', 'huisarts verwijzing', 'schei', 'opvoe', 'kinderopvang', 'echtscheidingsloket',
  'angst piekeren', 'tubbergen sport', 'mediation ouderschapsplan', 'ik weet het niet meer', 'bibliotheek',
  'faalangst', 'pubers in huis', 'taal', 'ouders', 'kinderen', 'hulp bij opvoeden', 'gratis sporten',
];
/** The queries whose first results we weigh (cold cache each). */
const FIRST_RESULT_QUERIES = ['scheiding', 'mijn kind wordt gepest op school', 'scheidng', 'autisme', 'jongeren denekamp', 'geldzorgen', 'opvoe', 'huiselijk geweld', 'zwanger', 'psycholoog'];

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stderr}`);
  return result;
}

// ---------------------------------------------------------------------------
// Sites and builds

function prepare() {
  mkdirSync(WORK, { recursive: true });
  console.error('cargo build --release (binary and synthetic site generator)…');
  run('cargo', ['build', '--release', '--bin', 'sociale-kaart', '--example', 'synthetic_site'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const sites = [{ name: 'voorbeeld', root: REPO, offers: null }];
  for (const n of SIZES) {
    const root = join(WORK, `synthetisch-${n}`);
    if (!existsSync(join(root, 'site.yaml'))) {
      console.error(`generating ${n} offers…`);
      run(join(REPO, 'target', 'release', 'examples', 'synthetic_site'), [root, String(n), String(Math.max(1, n / 10))]);
    }
    sites.push({ name: `synthetisch ${n}`, root, offers: n });
  }
  return sites;
}

/** Builds a site `RUNS` times into a folder to serve; the median wall time of the whole build. */
function build(site) {
  const out = join(WORK, 'public', site.name.replace(/\s+/g, '-'));
  const total = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    run(BINARY, ['--site', site.root, 'build', '--output', out], { env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH } });
    total.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const meta = JSON.parse(readFileSync(join(out, 'zoekindex', 'meta.json'), 'utf8'));
  return { out, buildMs: median(total), documents: meta.documents };
}

/**
 * The search index build on its own (tantivy indexing and the static
 * export, nothing else competing for the cores): benches/search/index.rs.
 */
function indexBuildTimes(sites) {
  const result = run('cargo', ['bench', '--quiet', '--bench', 'search_index', '--', '--runs', String(RUNS), ...sites.map((s) => s.root)], { cwd: REPO });
  const rows = result.stdout.trim().split('\n').slice(1).map((line) => line.split('\t'));
  return new Map(rows.map(([root, documents, medianMs, minMs, maxMs, bytes]) => [resolve(root), { medianMs: Number(medianMs), minMs: Number(minMs), maxMs: Number(maxMs), bytes: Number(bytes) }]));
}

function pagefind(out) {
  if (!PAGEFIND) return null;
  rmSync(join(out, 'pagefind'), { recursive: true, force: true });
  const times = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const started = process.hrtime.bigint();
    run(PAGEFIND, ['--site', out, '--glob', '{aanbod,aanbieders}/**/*.html'], { stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { indexMs: median(times) };
}

// ---------------------------------------------------------------------------
// A static host: sends files and tells what they weigh on the wire

const MIME = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.xml': 'application/xml', '.txt': 'text/plain',
};
/** Types a static host compresses (Netlify, Cloudflare, nginx gzip_types with wasm). */
const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.json', '.svg', '.xml', '.txt', '.wasm']);

function serve(root) {
  const weights = new Map();
  const weigh = (file) => {
    if (!weights.has(file)) {
      const bytes = readFileSync(file);
      const compressible = COMPRESSIBLE.has(extname(file));
      weights.set(file, {
        raw: bytes.length,
        gzip: compressible ? gzipSync(bytes, { level: 9 }).length : bytes.length,
        brotli: compressible ? brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length : bytes.length,
      });
    }
    return weights.get(file);
  };
  const extra = new Map();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (extra.has(path)) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(extra.get(path));
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return response.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    response.end(readFileSync(file));
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({
        origin: `http://127.0.0.1:${server.address().port}`,
        weigh: (url) => {
          const path = decodeURIComponent(new URL(url).pathname);
          let file = join(root, path);
          if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
          return existsSync(file) ? weigh(file) : { raw: 0, gzip: 0, brotli: 0 };
        },
        page: (path, html) => extra.set(path, html),
        close: () => new Promise((closed) => server.close(closed)),
      }),
    ),
  );
}

// ---------------------------------------------------------------------------
// Chromium

const BENCH_PAGEFIND = `<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>pagefind</title></head><body>
<script type="module">
window.pagefindSearch = async (query, shown) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const started = performance.now();
  const search = await pagefind.search(query);
  const searched = performance.now() - started;
  const data = await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
  return { searched, total: search.results.length, titles: data.map((d) => d.meta.title) };
};
window.pagefindTime = async (query) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const started = performance.now();
  await pagefind.search(query);
  return performance.now() - started;
};
window.ready = true;
</script></body></html>`;

async function measure(browser, host, hasPagefind) {
  const sum = (requests, keep) =>
    requests.filter(keep).reduce((total, url) => {
      const w = host.weigh(url);
      return { raw: total.raw + w.raw, gzip: total.gzip + w.gzip, brotli: total.brotli + w.brotli, files: total.files + 1 };
    }, { raw: 0, gzip: 0, brotli: 0, files: 0 });

  // Bytes before the first results: a fresh browser context per query.
  const ours = [];
  const theirs = [];
  for (const query of FIRST_RESULT_QUERIES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${host.origin}/zoeken/?q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => /resulta/.test(document.querySelector('[data-zoek="status"]')?.textContent ?? ''), null, { timeout: 60000 });
    ours.push(sum(requests, (u) => u.includes('/zoekindex/') || u.endsWith('/js/zoeken.js')));
    await context.close();
    if (hasPagefind) {
      const pfContext = await browser.newContext();
      const pfPage = await pfContext.newPage();
      const pfRequests = [];
      pfPage.on('request', (r) => pfRequests.push(r.url()));
      await pfPage.goto(`${host.origin}/__pagefind__.html`);
      await pfPage.waitForFunction(() => window.ready === true);
      await pfPage.evaluate(([q]) => window.pagefindSearch(q, 5), [query]);
      theirs.push(sum(pfRequests, (u) => u.includes('/pagefind/')));
      await pfContext.close();
    }
  }

  // Query latency: one page, every query once cold (fetching what it needs
  // from the local server) and then five times warm.
  const latency = async (open, time) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    const cold = [];
    const warm = [];
    for (const query of QUERIES) {
      cold.push(await time(page, query));
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await time(page, query));
      warm.push(median(runs));
    }
    await context.close();
    return { cold, warm };
  };
  const ourLatency = await latency(
    async (page) => {
      await page.goto(`${host.origin}/zoeken/`);
      await page.waitForFunction(() => globalThis.SocialeKaartZoeken !== undefined);
      await page.evaluate(async () => {
        window.benchIndex = await globalThis.SocialeKaartZoeken.SearchIndex.open();
      });
    },
    (page, query) =>
      page.evaluate(async (q) => {
        const started = performance.now();
        await window.benchIndex.search(q);
        return performance.now() - started;
      }, query),
  );
  const theirLatency = hasPagefind
    ? await latency(
        async (page) => {
          await page.goto(`${host.origin}/__pagefind__.html`);
          await page.waitForFunction(() => window.ready === true);
        },
        (page, query) => page.evaluate((q) => window.pagefindTime(q), query),
      )
    : null;
  return { ours, theirs, ourLatency, theirLatency };
}

// ---------------------------------------------------------------------------

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');

async function main() {
  const sites = prepare();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  console.error(`search index build, ${RUNS} runs per site…`);
  const indexTimes = indexBuildTimes(sites);
  const results = [];
  for (const site of sites) {
    console.error(`${site.name}: building ${RUNS}×…`);
    const built = build(site);
    const index = indexTimes.get(resolve(site.root));
    const pf = pagefind(built.out);
    const host = await serve(built.out);
    host.page('/__pagefind__.html', BENCH_PAGEFIND);
    console.error(`${site.name}: measuring in Chromium…`);
    const m = await measure(browser, host, pf !== null);
    await host.close();
    const bytes = (list, key) => ({ min: Math.min(...list.map((b) => b[key])), median: median(list.map((b) => b[key])), max: Math.max(...list.map((b) => b[key])) });
    results.push({
      site: site.name,
      documents: built.documents,
      build_ms: built.buildMs,
      index_ms: index.medianMs,
      index_min_ms: index.minMs,
      index_max_ms: index.maxMs,
      index_bytes: index.bytes,
      ours: {
        first_results_gzip: bytes(m.ours, 'gzip'),
        first_results_brotli: bytes(m.ours, 'brotli'),
        first_results_files: bytes(m.ours, 'files'),
        latency_warm: { p50: quantile(m.ourLatency.warm, 0.5), p95: quantile(m.ourLatency.warm, 0.95) },
        latency_cold: { p50: quantile(m.ourLatency.cold, 0.5), p95: quantile(m.ourLatency.cold, 0.95) },
      },
      pagefind: pf && {
        index_ms: pf.indexMs,
        first_results_gzip: bytes(m.theirs, 'gzip'),
        first_results_brotli: bytes(m.theirs, 'brotli'),
        first_results_files: bytes(m.theirs, 'files'),
        latency_warm: { p50: quantile(m.theirLatency.warm, 0.5), p95: quantile(m.theirLatency.warm, 0.95) },
        latency_cold: { p50: quantile(m.theirLatency.cold, 0.5), p95: quantile(m.theirLatency.cold, 0.95) },
      },
    });
  }
  await browser.close();
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ queries: QUERIES.length, first_result_queries: FIRST_RESULT_QUERIES, results }, null, 2));

  const cpu = execFileSync('nproc', { encoding: 'utf8' }).trim();
  console.log(`\nSearch benchmark, ${cpu} cores, ${RUNS} builds per site, ${QUERIES.length} queries (latency), ${FIRST_RESULT_QUERIES.length} cold first searches (bytes).\n`);
  console.log('| site | docs | engine | index build ms | first results KB gzip (min/median/max) | KB brotli (median) | files | p50 ms warm | p95 ms warm | p50 ms cold | p95 ms cold |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const [engine, e, indexMs] of [['sociale-kaart', r.ours, r.index_ms], ['Pagefind 1.6', r.pagefind, r.pagefind?.index_ms]]) {
      if (!e) continue;
      const g = e.first_results_gzip;
      console.log(
        `| ${r.site} | ${r.documents} | ${engine} | ${ms(indexMs)} | ${kb(g.min)} / ${kb(g.median)} / ${kb(g.max)} | ${kb(e.first_results_brotli.median)} | ${e.first_results_files.median} | ${ms(e.latency_warm.p50)} | ${ms(e.latency_warm.p95)} | ${ms(e.latency_cold.p50)} | ${ms(e.latency_cold.p95)} |`,
      );
    }
  }
  console.log(`\nFull numbers: ${join(WORK, 'results.json')}`);
}

await main();
