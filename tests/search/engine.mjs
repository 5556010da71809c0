// Runs the browser search engine (themes/default/static/js/zoeken.js) in
// Node on a built site, for the Rust parity tests (tests/search_*.rs).
//
//   node tests/search/engine.mjs <built site> < requests.json > answers.json
//
// requests.json is a list of requests; each answer has the same position:
//   { "search": "<query>", "filters": {...}?, "top": 10 }
//       -> { plan, total, hits: [{doc, score}], counts, without, filters }
//   { "stem": ["word", ...] }    -> { stems: [...] }
//   { "analyze": "<text>" }      -> { words: [...] }  (folded words)

import { readFile } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const script = await readFile(join(here, '..', '..', 'themes', 'default', 'static', 'js', 'zoeken.js'), 'utf8');
vm.runInThisContext(script, { filename: 'zoeken.js' });
const { SearchIndex, emptyFilters, stem, fold, words } = globalThis.SocialeKaartZoeken;

const site = resolve(process.argv[2]);
const load = async (url) => {
  const bytes = await readFile(join(site, url));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const requests = JSON.parse(input);

let index = null;
const answers = [];
for (const request of requests) {
  if (request.stem) {
    answers.push({ stems: request.stem.map(stem) });
  } else if (request.analyze !== undefined) {
    answers.push({ words: words(fold(request.analyze), 40) });
  } else {
    index ??= await SearchIndex.open('/zoekindex/', load);
    const filters = { ...emptyFilters(), ...(request.filters || {}) };
    const result = await index.search(request.search, filters);
    answers.push({
      plan: result.plan,
      filters: result.filters,
      total: result.hits.length,
      hits: result.hits.slice(0, request.top ?? 10),
      counts: result.counts,
      without: result.without,
    });
  }
}
process.stdout.write(JSON.stringify(answers));
