// Shared harness for the browser tests of the generated site.
//
// Every test file that imports this module gets, per process:
//   - ONE build of the example site (repository root) into a temp dir, made
//     with the debug binary target/debug/sociale-kaart (run `cargo build`
//     first) and a fixed SOURCE_DATE_EPOCH, so dates on pages are stable;
//   - ONE static server on 127.0.0.1 that sends the headers from the built
//     site's `_headers` file (the theme's Content-Security-Policy is enforced);
//   - ONE headless Debian Chromium, driven by playwright-core.
// Run every browser test file in one go, one file at a time:
//   node --test --test-concurrency=1 tests/browser/
//
// API (all async unless noted):
//   site()                  -> { origin, dir, url(path) }  build + serve, once
//   openPage(path, options) -> Visit, after the page has loaded
//       options.bypassCSP   default false; true only for tests that inject
//                           scripts (axe), never for privacy/CSP tests
//       options.viewport    default { width: 390, height: 844 } (a phone)
//       options.javaScriptEnabled  default true
//   Visit = { page, context, response,
//             requests:        every URL the page requested,
//             foreignRequests: requests to any other origin (must stay []),
//             consoleErrors:   console errors, page errors and CSP
//                              violations as text (must stay []),
//             cookies(),       cookies set in this context (must stay []),
//             close() }
//   htmlFiles()             -> absolute paths of every HTML document built
//   PAGE_TYPES (sync)       -> { name: path } one page of every page type
//   closeAll()              -> stop browser and server; call in after()

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BINARY = join(REPO, 'target', 'debug', 'sociale-kaart');
// The site to build: the example site, unless a theme developer points elsewhere.
const SITE = process.env.SK_BROWSER_SITE ?? REPO;
// 2026-11-23T00:00:00Z: the example content's dated runs lie around this day.
const SOURCE_DATE_EPOCH = '1795392000';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One page of every page type of the example site. */
export const PAGE_TYPES = Object.freeze({
  home: '/',
  aanbod: '/aanbod/training-ik-durf/',
  aanbieder: '/aanbieders/schakel/',
  thema: '/themas/scheiding/',
  gemeente: '/gemeenten/dinkelland/',
  kern: '/kernen/denekamp/',
  leeftijd: '/leeftijd/basisschool/',
  themas: '/themas/',
  kernen: '/kernen/',
  'aanbod-az': '/aanbod/',
  aanbieders: '/aanbieders/',
  'wie-is-wie': '/wie-is-wie/',
  zoeken: '/zoeken/',
  'zoeken-resultaten': '/zoeken/?q=scheiding',
  pagina: '/toegankelijkheid/',
  404: '/deze-pagina-bestaat-niet/',
});

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
};

let sitePromise;
let browserPromise;
let server;
let workDir;

/** Builds the example site once per process and serves it. */
export function site() {
  sitePromise ??= startSite();
  return sitePromise;
}

async function startSite() {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: run \`cargo build\` before the browser tests`);
  }
  workDir = mkdtempSync(join(tmpdir(), 'sk-browser-'));
  const dir = join(workDir, 'public');
  const build = spawnSync(BINARY, ['build', '--site', SITE, '--output', dir], {
    env: { ...process.env, SOURCE_DATE_EPOCH },
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    throw new Error(`building the example site failed (exit ${build.status}):\n${build.stderr}`);
  }
  const headers = parseHeadersFile(readFileSync(join(dir, '_headers'), 'utf8'));
  server = createServer((request, response) => serveFile(dir, headers, request, response));
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, dir, url: (path) => new URL(path, origin).href };
}

/**
 * Parses a Netlify/Cloudflare `_headers` file into [{ pattern, headers }].
 * Only the patterns this site uses are supported: exact paths and a
 * trailing `*`.
 */
export function parseHeadersFile(text) {
  const rules = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: {} });
    } else if (rules.length > 0) {
      const colon = line.indexOf(':');
      rules.at(-1).headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
  }
  return rules;
}

function headersFor(rules, path) {
  const headers = {};
  for (const { pattern, headers: set } of rules) {
    const matches = pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
    if (matches) Object.assign(headers, set);
  }
  return headers;
}

function serveFile(root, rules, request, response) {
  const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  let file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403).end();
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  let status = 200;
  if (!existsSync(file)) {
    status = 404;
    file = join(root, '404.html');
  }
  response.writeHead(status, {
    ...headersFor(rules, path),
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  });
  createReadStream(file).pipe(response);
}

/** The one browser of this process. */
export function browser() {
  browserPromise ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh, temporary user data dir.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return browserPromise;
}

/** Opens `path` of the example site in a new context and records what it does. */
export async function openPage(path, { bypassCSP = false, viewport = { width: 390, height: 844 }, javaScriptEnabled = true } = {}) {
  const { origin, url } = await site();
  const context = await (await browser()).newContext({ bypassCSP, viewport, javaScriptEnabled, locale: 'nl-NL' });
  const page = await context.newPage();
  const requests = [];
  const foreignRequests = [];
  const consoleErrors = [];
  page.on('request', (request) => {
    const target = request.url();
    requests.push(target);
    if (/^(data|blob|about):/.test(target)) return;
    if (new URL(target).origin !== origin) foreignRequests.push(target);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  const response = await page.goto(url(path), { waitUntil: 'load' });
  return {
    page,
    context,
    response,
    requests,
    foreignRequests,
    consoleErrors,
    cookies: () => context.cookies(),
    close: () => context.close(),
  };
}

/**
 * Absolute paths of every HTML document in the built site: `.html` files
 * that start with a doctype (embeddable fragments are not documents).
 */
export async function htmlFiles() {
  const { dir } = await site();
  return readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith('.html'))
    .sort()
    .map((name) => join(dir, name))
    .filter((file) => /^<!doctype html>/i.test(readFileSync(file, 'utf8').slice(0, 15)));
}

/** Stops the browser and the server and removes the built site. */
export async function closeAll() {
  if (browserPromise) await (await browserPromise).close();
  if (server) await new Promise((done) => server.close(done));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  browserPromise = sitePromise = server = workDir = undefined;
}
