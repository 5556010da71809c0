// Search for the sociale kaart, in the browser, without a server.
//
// The engine reads the static index that `sociale-kaart build` writes to
// /zoekindex/ (its format: the "Wire format" section of src/search/mod.rs)
// and repeats what the generator's tantivy index does: the same Dutch
// analyzer, the same query plan (src/search/query.rs) and tantivy's BM25 in
// 32-bit floats, so that both rank alike; tests/search_parity.rs holds them
// to that. The page part below it drives /zoeken/: results while typing,
// filters with live counts, state in the URL. Plain JavaScript, no
// dependencies, no request to any other origin.
(() => {
  'use strict';

  const FORMAT = 'sociale-kaart-zoekindex';
  const VERSION = 1;
  const f32 = Math.fround;

  // ---------------------------------------------------------------------
  // Analyzer (src/search/analyzer.rs)

  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const ASCII = /^[\x00-\x7f]*$/;

  /** NFKD, without combining marks and invisible characters (soft hyphen, zero-width space, word joiner, byte-order mark), lower case. */
  function fold(text) {
    return text.replace(/[\u00AD\u200B\u2060\uFEFF]/g, '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  }

  /** The words of folded text. */
  function words(folded, maxChars) {
    const found = folded.match(WORD) || [];
    return found.filter((w) => w.length <= maxChars || Array.from(w).length <= maxChars);
  }

  const isVowel = (c) => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';
  const isConsonant = (c) => c !== undefined && c >= 'a' && c <= 'z' && !isVowel(c);

  /**
   * The Snowball Dutch stemmer (the original algorithm, as in the Rust crate
   * rust-stemmers), for ASCII words.
   */
  function snowballDutch(word) {
    const chars = word.split('');
    // Prelude: an initial y, and i or y between vowels, are consonants.
    if (chars[0] === 'y') chars[0] = 'Y';
    for (let p = 0; p + 1 < chars.length; p++) {
      if (!isVowel(chars[p])) continue;
      if (chars[p + 1] === 'i' && p + 2 < chars.length && isVowel(chars[p + 2])) chars[p + 1] = 'I';
      else if (chars[p + 1] === 'y') chars[p + 1] = 'Y';
    }
    // Regions: R1 starts after the first consonant that follows a vowel (at
    // least at 3), R2 after the next such consonant.
    const n = chars.length;
    let p1 = n;
    let p2 = n;
    let i = 0;
    while (i < n && !isVowel(chars[i])) i++;
    if (i < n) {
      i++;
      while (i < n && isVowel(chars[i])) i++;
      if (i < n) {
        i++;
        p1 = Math.max(i, 3);
        while (i < n && !isVowel(chars[i])) i++;
        if (i < n) {
          i++;
          while (i < n && isVowel(chars[i])) i++;
          if (i < n) p2 = i + 1;
        }
      }
    }
    const nonVowel = (c) => c !== undefined && !isVowel(c);
    let s = chars.join('');
    let eFound = false;
    const undouble = (t) => (t.endsWith('kk') || t.endsWith('dd') || t.endsWith('tt') ? t.slice(0, -1) : t);
    const enEnding = (t, start) => {
      if (start >= p1 && nonVowel(t[start - 1]) && !(start >= 3 && t.slice(start - 3, start) === 'gem')) {
        return undouble(t.slice(0, start));
      }
      return t;
    };
    const eEnding = (t) => {
      eFound = false;
      const start = t.length - 1;
      if (t.endsWith('e') && start >= p1 && nonVowel(t[start - 1])) {
        eFound = true;
        return undouble(t.slice(0, start));
      }
      return t;
    };
    // Step 1
    if (s.endsWith('heden')) {
      if (s.length - 5 >= p1) s = s.slice(0, -5) + 'heid';
    } else if (s.endsWith('ene')) {
      s = enEnding(s, s.length - 3);
    } else if (s.endsWith('en')) {
      s = enEnding(s, s.length - 2);
    } else if (s.endsWith('se') || s.endsWith('s')) {
      const start = s.length - (s.endsWith('se') ? 2 : 1);
      const before = s[start - 1];
      if (start >= p1 && nonVowel(before) && before !== 'j') s = s.slice(0, start);
    }
    // Step 2
    s = eEnding(s);
    // Step 3a
    if (s.endsWith('heid')) {
      const start = s.length - 4;
      if (start >= p2 && s[start - 1] !== 'c') {
        s = s.slice(0, start);
        if (s.endsWith('en')) s = enEnding(s, s.length - 2);
      }
    }
    // Step 3b
    if (s.endsWith('end') || s.endsWith('ing')) {
      const start = s.length - 3;
      if (start >= p2) {
        s = s.slice(0, start);
        if (s.endsWith('ig') && s.length - 2 >= p2 && s[s.length - 3] !== 'e') s = s.slice(0, -2);
        else s = undouble(s);
      }
    } else if (s.endsWith('ig')) {
      const start = s.length - 2;
      if (start >= p2 && s[start - 1] !== 'e') s = s.slice(0, start);
    } else if (s.endsWith('lijk')) {
      const start = s.length - 4;
      if (start >= p2) s = eEnding(s.slice(0, start));
    } else if (s.endsWith('baar')) {
      const start = s.length - 4;
      if (start >= p2) s = s.slice(0, start);
    } else if (s.endsWith('bar')) {
      const start = s.length - 3;
      if (start >= p2 && eFound) s = s.slice(0, start);
    }
    // Step 4: a doubled vowel before a final consonant becomes single.
    const m = s.length;
    if (m >= 4 && nonVowel(s[m - 1]) && s[m - 1] !== 'I') {
      const pair = s.slice(m - 3, m - 1);
      if ((pair === 'aa' || pair === 'ee' || pair === 'oo' || pair === 'uu') && nonVowel(s[m - 4])) {
        s = s.slice(0, m - 2) + s[m - 1];
      }
    }
    return s.replace(/I/g, 'i').replace(/Y/g, 'y');
  }

  /** The stem of a folded word: Snowball Dutch plus the additions of analyzer.rs. */
  function stem(word) {
    if (!ASCII.test(word)) return word;
    const input = word.endsWith('jes') && word.length >= 5 ? word.slice(0, -1) : word;
    let s = snowballDutch(input);
    let n = s.length;
    if (n >= 4 && s[n - 1] === 'j' && isConsonant(s[n - 2])) s = s.slice(0, -1);
    n = s.length;
    if (n >= 4 && s[n - 1] === s[n - 2] && isConsonant(s[n - 1])) s = s.slice(0, -1);
    return s;
  }

  /** Orders strings as the index does (JavaScript string order). */
  const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  /** Optimal string alignment distance, in characters. */
  function editDistance(a, b) {
    const x = Array.from(a);
    const y = Array.from(b);
    const rows = x.length + 1;
    const cols = y.length + 1;
    const d = new Array(rows * cols);
    for (let i = 0; i < rows; i++) d[i * cols] = i;
    for (let j = 0; j < cols; j++) d[j] = j;
    for (let i = 1; i < rows; i++) {
      for (let j = 1; j < cols; j++) {
        const cost = x[i - 1] === y[j - 1] ? 0 : 1;
        let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
        if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
        d[i * cols + j] = v;
      }
    }
    return d[rows * cols - 1];
  }

  // ---------------------------------------------------------------------
  // Reading the static index

  class Reader {
    constructor(bytes) {
      this.bytes = bytes;
      this.pos = 0;
    }

    varint() {
      let value = 0;
      let scale = 1;
      for (;;) {
        const b = this.bytes[this.pos++];
        value += (b & 0x7f) * scale;
        if (b < 0x80) return value;
        scale *= 128;
      }
    }
  }

  const utf8 = new TextDecoder();

  async function gunzip(buffer) {
    const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /** Reads front-coded terms: calls `each(term, reader)` after each term's bytes. */
  function readTerms(bytes, each) {
    const reader = new Reader(bytes);
    const count = reader.varint();
    let previous = new Uint8Array(0);
    for (let i = 0; i < count; i++) {
      const shared = reader.varint();
      const length = reader.varint();
      const termBytes = new Uint8Array(shared + length);
      termBytes.set(previous.subarray(0, shared));
      termBytes.set(bytes.subarray(reader.pos, reader.pos + length), shared);
      reader.pos += length;
      previous = termBytes;
      each(utf8.decode(termBytes), reader);
    }
  }

  /**
   * The facet columns of facets.bin (see the wire format), in typed arrays:
   * a list column is `{start, values}`, document d's values being
   * `values[start[d] .. start[d + 1]]`.
   */
  function decodeFacets(bytes) {
    const reader = new Reader(bytes);
    const count = reader.varint();
    const column = () => ({ start: new Int32Array(count + 1), values: [] });
    const facets = {
      count,
      kind: new Uint8Array(count),
      free: new Uint8Array(count),
      access: new Int16Array(count),
      ageFrom: new Int16Array(count),
      ageTo: new Int16Array(count),
      themes: column(),
      municipalities: column(),
      villages: column(),
      audiences: column(),
    };
    const lists = [facets.themes, facets.municipalities, facets.villages, facets.audiences];
    for (let d = 0; d < count; d++) {
      const flags = reader.varint();
      facets.kind[d] = flags & 1;
      facets.free[d] = (flags >> 1) & 1;
      facets.access[d] = (flags >> 2) - 1;
      const from = reader.varint();
      facets.ageFrom[d] = from - 1;
      facets.ageTo[d] = from === 0 ? -1 : reader.varint();
      for (const list of lists) {
        for (let n = reader.varint(); n > 0; n--) list.values.push(reader.varint());
        list.start[d + 1] = list.values.length;
      }
    }
    for (const list of lists) list.values = Uint16Array.from(list.values);
    return facets;
  }

  /** The values of document `doc` in a list column. */
  const valuesOf = (list, doc) => list.values.subarray(list.start[doc], list.start[doc + 1]);

  /** How a browser fetches index files: same origin, as bytes. */
  async function fetchBytes(url) {
    const response = await fetch(url, url.endsWith('meta.json') ? { cache: 'no-cache' } : {});
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.arrayBuffer();
  }

  class SearchIndex {
    /**
     * Opens the index under `base`. `load(url)` returns a promise of the
     * file's bytes; the browser default fetches them.
     */
    static async open(base = '/zoekindex/', load = fetchBytes) {
      const [metaBytes] = await Promise.all([load(`${base}meta.json`)]);
      const meta = JSON.parse(utf8.decode(new Uint8Array(metaBytes)));
      if (meta.format !== FORMAT || meta.version !== VERSION) {
        throw new Error(`zoekindex heeft formaat ${meta.format} ${meta.version}, dit script leest ${FORMAT} ${VERSION}`);
      }
      const facets = decodeFacets(await gunzip(await load(base + meta.facets)));
      return new SearchIndex(base, load, meta, facets);
    }

    constructor(base, load, meta, facets) {
      this.base = base;
      this.load = load;
      this.meta = meta;
      this.facets = facets;
      this.textFields = meta.fields.filter((f) => !f.keyword).length;
      this.stopWords = new Set(meta.analyzer.stop_words);
      this.firstTerms = meta.terms.map(([first]) => first);
      this.termChunks = new Map();
      this.vocabularies = new Map();
      this.docChunks = new Map();
      this.themeFiles = new Map();
      const N = meta.documents;
      const k1 = f32(meta.bm25.k1);
      const b = f32(meta.bm25.b);
      this.k1 = k1;
      // tantivy's BM25 length normalisation per field and field length code.
      this.norms = meta.fields.map((field) => {
        const average = f32(f32(field.tokens) / f32(N));
        const cache = new Float32Array(256);
        for (let id = 0; id < 256; id++) {
          cache[id] = f32(k1 * f32(f32(1 - b) + f32(f32(b * f32(meta.bm25.fieldnorms[id])) / average)));
        }
        return cache;
      });
      // Villages where each document is offered: the ones it names, or else
      // every village of its municipalities.
      const villagesOf = meta.municipalities.map(() => []);
      meta.villages.forEach((v, i) => villagesOf[v.municipality].push(i));
      const effective = { start: new Int32Array(facets.count + 1), values: [] };
      for (let d = 0; d < facets.count; d++) {
        const named = valuesOf(facets.villages, d);
        if (named.length > 0) effective.values.push(...named);
        else for (const g of valuesOf(facets.municipalities, d)) effective.values.push(...villagesOf[g]);
        effective.start[d + 1] = effective.values.length;
      }
      effective.values = Uint16Array.from(effective.values);
      this.offeredIn = effective;
    }

    words(text) {
      return words(fold(text), this.meta.analyzer.max_word_chars);
    }

    async cached(map, key, file, parse) {
      let entry = map.get(key);
      if (!entry) {
        entry = this.load(this.base + file).then(parse);
        map.set(key, entry);
        entry.catch(() => map.delete(key));
      }
      return entry;
    }

    chunkIndex(term) {
      let lo = 0;
      let hi = this.firstTerms.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.firstTerms[mid] <= term) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    }

    termChunk(index) {
      return this.cached(this.termChunks, index, this.meta.terms[index][1], async (buffer) => {
        const bytes = await gunzip(buffer);
        const terms = [];
        const byTerm = new Map();
        readTerms(bytes, (term, reader) => {
          const docFreq = reader.varint();
          const fieldCount = reader.varint();
          const fields = [];
          for (let f = 0; f < fieldCount; f++) {
            const field = reader.varint();
            const df = reader.varint();
            const length = reader.varint();
            fields.push({ field, df, start: reader.pos, postings: null });
            reader.pos += length;
          }
          const entry = { term, fields, docFreq, bytes };
          terms.push(entry);
          byTerm.set(term, entry);
        });
        return { terms, byTerm };
      });
    }

    /** A term's entry, or null when the index does not have it. */
    async entry(term) {
      const chunk = await this.termChunk(this.chunkIndex(term));
      return chunk.byTerm.get(term) || null;
    }

    /** True when a text field has `term`. */
    async known(term) {
      const entry = await this.entry(term);
      return entry !== null && entry.docFreq > 0;
    }

    /** Text-field terms that start with `prefix`, as entries. */
    async withPrefix(prefix) {
      const found = [];
      const first = this.chunkIndex(prefix);
      for (let i = first; i < this.firstTerms.length; i++) {
        if (i > first && !this.firstTerms[i].startsWith(prefix)) break;
        const chunk = await this.termChunk(i);
        for (const entry of chunk.terms) {
          if (entry.term.startsWith(prefix) && entry.docFreq > 0) found.push(entry);
        }
      }
      return found;
    }

    /** `[term, doc freq]` of every text-field term starting with `char`. */
    vocabulary(char) {
      const file = this.meta.vocabulary[char];
      if (!file) return Promise.resolve([]);
      return this.cached(this.vocabularies, char, file, async (buffer) => {
        const list = [];
        readTerms(await gunzip(buffer), (term, reader) => list.push([term, reader.varint()]));
        return list;
      });
    }

    postings(entry, field) {
      if (!field.postings) {
        const reader = new Reader(entry.bytes);
        reader.pos = field.start;
        const docs = new Uint32Array(field.df);
        const tfs = new Uint32Array(field.df);
        const norms = new Uint8Array(field.df);
        let doc = 0;
        for (let k = 0; k < field.df; k++) {
          doc += reader.varint();
          docs[k] = doc;
          tfs[k] = reader.varint();
          norms[k] = entry.bytes[reader.pos++];
        }
        field.postings = { docs, tfs, norms };
      }
      return field.postings;
    }

    /** The theme field's postings, one list per theme. */
    themePostings() {
      return this.cached(this.themeFiles, 0, this.meta.theme_postings, async (buffer) => {
        const bytes = await gunzip(buffer);
        const reader = new Reader(bytes);
        const lists = [];
        for (let t = reader.varint(); t > 0; t--) {
          const df = reader.varint();
          const length = reader.varint();
          lists.push({ field: this.textFields, df, start: reader.pos, postings: null });
          reader.pos += length;
        }
        return { entry: { bytes, docFreq: 0 }, lists };
      });
    }

    /** Result rows `[url, title, provider, summary, status]` of documents. */
    async rows(docNumbers) {
      const { per_chunk: perChunk, prefix } = this.meta.docs;
      const chunks = await Promise.all(
        [...new Set(docNumbers.map((d) => Math.floor(d / perChunk)))].map(async (c) => [
          c,
          await this.cached(this.docChunks, c, `${prefix}${c}.json`, (buffer) => JSON.parse(utf8.decode(new Uint8Array(buffer)))),
        ]),
      );
      const byChunk = new Map(chunks);
      return docNumbers.map((d) => byChunk.get(Math.floor(d / perChunk))[d % perChunk]);
    }

    // -------------------------------------------------------------------
    // Query plan (src/search/query.rs)

    async plan(query) {
      const q = this.meta.query;
      const folded = fold(query);
      const prefixMode = /[\p{Alphabetic}\p{N}]$/u.test(folded);
      const list = words(folded, this.meta.analyzer.max_word_chars).map((text) => ({
        text,
        stop: this.stopWords.has(text),
        stem: stem(text),
        used: false,
      }));
      const plan = { terms: [], matchedThemes: [], relatedThemes: [], municipalities: [], villages: [], age: null, words: 0 };

      for (let i = 0; i + 1 < list.length; i++) {
        const isAgeWord = q.age_words.includes(list[i + 1].text);
        if (plan.age === null && isAgeWord && list[i].text.length <= 2 && /^[0-9]+$/.test(list[i].text)) {
          plan.age = parseInt(list[i].text, 10);
          list[i].used = true;
          list[i + 1].used = true;
        }
      }

      const findPhrase = (sequence, phrase) => {
        if (phrase.length === 0 || phrase.length > sequence.length) return null;
        for (let start = 0; start + phrase.length <= sequence.length; start++) {
          const window = sequence.slice(start, start + phrase.length);
          if (window.every((w, k) => !list[w].used && list[w].stem === phrase[k])) return window;
        }
        return null;
      };
      const sequence = list.map((_, i) => i).filter((i) => !list[i].stop);
      const places = [
        ...this.meta.municipalities.map((p, i) => [false, i, p.phrase]),
        ...this.meta.villages.map((p, i) => [true, i, p.phrase]),
      ];
      places.sort((a, b) => b[2].length - a[2].length || Number(a[0]) - Number(b[0]) || a[1] - b[1]);
      for (const [isVillage, index, phrase] of places) {
        for (let window = findPhrase(sequence, phrase); window; window = findPhrase(sequence, phrase)) {
          window.forEach((w) => (list[w].used = true));
          const target = isVillage ? plan.villages : plan.municipalities;
          if (!target.includes(index)) target.push(index);
        }
      }
      plan.municipalities.sort((a, b) => a - b);
      plan.villages.sort((a, b) => a - b);

      const open = sequence.filter((i) => !list[i].used);
      plan.words = open.length;
      this.meta.themes.forEach((theme, index) => {
        if (theme.phrases.some((phrase) => findPhrase(open, phrase))) plan.matchedThemes.push(index);
      });
      const related = new Set();
      for (const t of plan.matchedThemes) {
        for (const r of this.meta.themes[t].related) if (!plan.matchedThemes.includes(r)) related.add(r);
      }
      plan.relatedThemes = [...related].sort((a, b) => a - b);

      const terms = new Map();
      const add = (term, boost, how, word) => {
        const existing = terms.get(term);
        if (!existing || boost > existing.boost) terms.set(term, { term, boost, how, word });
      };
      const last = list.length - 1;
      for (let i = 0; i < list.length; i++) {
        const word = list[i];
        if (word.used) continue;
        const prefix = prefixMode && i === last && Array.from(word.text).length >= q.prefix_min_chars;
        const exact = !word.stop && (await this.known(word.stem));
        if (exact) add(word.stem, q.exact, 'exact', word.text);
        let expanded = false;
        if (prefix) {
          const found = (await this.withPrefix(word.text)).filter((e) => e.term !== word.stem);
          found.sort((a, b) => b.docFreq - a.docFreq || compare(a.term, b.term));
          for (const entry of found.slice(0, q.prefix_max_terms)) {
            add(entry.term, q.prefix, 'prefix', word.text);
            expanded = true;
          }
        }
        if (word.stop || exact || expanded) continue;
        const parts = await this.splitOnce(word.text);
        if (parts) {
          for (const part of parts) add(stem(part), q.compound, 'compound', word.text);
          continue;
        }
        for (const [term, distance] of await this.corrections(word.text, word.stem)) {
          add(term, distance === 1 ? q.typo1 : q.typo2, `typo${distance}`, word.text);
        }
      }
      plan.terms = [...terms.values()].sort((a, b) => compare(a.term, b.term));
      return plan;
    }

    /** Head and tail of a compound whose parts the index knows, or null. */
    async splitOnce(word) {
      const { min_compound_chars: minWord, min_part_chars: minPart } = this.meta.analyzer;
      if (!ASCII.test(word) || word.length < minWord) return null;
      for (let cut = word.length - minPart; cut >= minPart; cut--) {
        const head = word.slice(0, cut);
        const tail = word.slice(cut);
        if (!(await this.known(stem(head)))) continue;
        if (await this.known(stem(tail))) return [head, tail];
        if (tail.startsWith('s') && tail.length - 1 >= minPart && (await this.known(stem(tail.slice(1))))) return [head, tail.slice(1)];
      }
      return null;
    }

    /** The nearest terms within the typo budget of `word`, with distances. */
    async corrections(word, wordStem) {
      const q = this.meta.query;
      const letters = Array.from(word).length;
      const budget = letters >= q.typo2_min_chars ? 2 : letters >= q.typo1_min_chars ? 1 : 0;
      if (budget === 0 || wordStem.length === 0) return [];
      const first = String.fromCodePoint(wordStem.codePointAt(0));
      const stemLength = Array.from(wordStem).length;
      const found = [];
      for (const [term, df] of await this.vocabulary(first)) {
        if (Math.abs(Array.from(term).length - stemLength) > budget) continue;
        const distance = editDistance(wordStem, term);
        if (distance <= budget) found.push([term, distance, df]);
      }
      found.sort((a, b) => a[1] - b[1] || b[2] - a[2] || compare(a[0], b[0]));
      return found.slice(0, q.typo_max_terms).map(([term, distance]) => [term, distance]);
    }

    // -------------------------------------------------------------------
    // Ranking: tantivy's BM25 in f32

    /**
     * Scores every document the plan matches: `{docs, scores}`, by document
     * number. Every document, with score 0, when the plan browses.
     */
    async rank(plan) {
      const N = this.meta.documents;
      if (plan.terms.length === 0 && plan.relatedThemes.length === 0) {
        // Nothing left to search for browses; words that match nothing find nothing.
        const docs = new Int32Array(plan.words === 0 ? N : 0);
        for (let d = 0; d < docs.length; d++) docs[d] = d;
        return { docs, scores: new Float32Array(docs.length) };
      }
      const scores = new Float32Array(N);
      const matched = new Uint8Array(N);
      const weightPlus = f32(1 + this.k1);
      // A text field's idf counts the documents with the term in any text
      // field (src/search/query.rs, SiteStatistics); the theme field's its own.
      const addField = (entry, field, boost) => {
        const df = field.field < this.textFields ? entry.docFreq : field.df;
        const x = f32(f32(f32(N - df) + 0.5) / f32(f32(df) + 0.5));
        const idf = f32(Math.log(f32(1 + x)));
        let weight = f32(idf * weightPlus);
        if (boost !== 1) weight = f32(weight * boost);
        const cache = this.norms[field.field];
        const { docs, tfs, norms } = this.postings(entry, field);
        for (let k = 0; k < docs.length; k++) {
          const tf = tfs[k];
          scores[docs[k]] += f32(weight * f32(tf / f32(tf + cache[norms[k]])));
          matched[docs[k]] = 1;
        }
      };
      const fields = this.meta.fields;
      for (const planned of plan.terms) {
        const entry = await this.entry(planned.term);
        if (!entry) continue;
        for (const field of entry.fields) {
          if (field.field < this.textFields) addField(entry, field, f32(f32(fields[field.field].weight) * f32(planned.boost)));
        }
      }
      if (plan.relatedThemes.length > 0) {
        const themes = await this.themePostings();
        const boost = f32(f32(fields[this.textFields].weight) * f32(this.meta.query.related_theme));
        for (const theme of plan.relatedThemes) addField(themes.entry, themes.lists[theme], boost);
      }
      let count = 0;
      for (let d = 0; d < N; d++) count += matched[d];
      const docs = new Int32Array(count);
      const docScores = new Float32Array(count);
      for (let d = 0, k = 0; d < N; d++) {
        if (matched[d]) {
          docs[k] = d;
          docScores[k++] = scores[d];
        }
      }
      return { docs, scores: docScores };
    }

    // -------------------------------------------------------------------
    // Filters and facet counts

    /**
     * A test that tells which facets (FACETS order, as bits) document `doc`
     * fails: `() => 0` when no filter is set.
     */
    failingTest(filters) {
      const f = this.facets;
      const meta = this.meta;
      const mask = (selected, size) => {
        if (selected.length === 0) return null;
        const m = new Uint8Array(size);
        for (const v of selected) m[v] = 1;
        return m;
      };
      const kinds = mask(filters.soort, 2);
      const themes = mask(filters.themas, meta.themes.length);
      const municipalities = mask(filters.gemeenten, meta.municipalities.length);
      const villages = mask(filters.kernen, meta.villages.length);
      const audiences = mask(filters.doelgroepen, meta.audiences.length);
      const access = mask(filters.toegang, meta.access.length);
      const age = filters.leeftijd;
      const free = filters.gratis;
      if (!kinds && !themes && !municipalities && !villages && !audiences && !access && age === null && !free) return () => 0;
      const any = (list, doc, m) => {
        for (let i = list.start[doc]; i < list.start[doc + 1]; i++) if (m[list.values[i]]) return true;
        return false;
      };
      const offeredIn = this.offeredIn;
      return (doc) => {
        const offer = f.kind[doc] === 0;
        let bits = 0;
        if (kinds && !kinds[f.kind[doc]]) bits |= 1;
        if (themes && !any(f.themes, doc, themes)) bits |= 2;
        if (municipalities && !any(f.municipalities, doc, municipalities)) bits |= 4;
        if (villages && !any(offeredIn, doc, villages)) bits |= 8;
        if (age !== null && !(offer && (f.ageFrom[doc] < 0 || (f.ageFrom[doc] <= age && age <= f.ageTo[doc])))) bits |= 16;
        if (audiences && !(offer && any(f.audiences, doc, audiences))) bits |= 32;
        if (access && !(offer && f.access[doc] >= 0 && access[f.access[doc]])) bits |= 64;
        if (free && !(offer && f.free[doc] === 1)) bits |= 128;
        return bits;
      };
    }

    /**
     * Filters scored documents and sorts them best first (ties to the lower
     * document number), and counts, for every facet value, the documents
     * that pass the other facets and have that value. `without[bit]` counts
     * the documents that fail only that facet: what dropping it would show.
     */
    filter(ranked, filters) {
      const f = this.facets;
      const meta = this.meta;
      const counts = {
        soort: [0, 0],
        thema: new Array(meta.themes.length).fill(0),
        gemeente: new Array(meta.municipalities.length).fill(0),
        kern: new Array(meta.villages.length).fill(0),
        leeftijd: new Array(meta.max_age + 1).fill(0),
        doelgroep: new Array(meta.audiences.length).fill(0),
        toegang: new Array(meta.access.length).fill(0),
        gratis: 0,
      };
      const without = new Array(8).fill(0);
      const failing = this.failingTest(filters);
      const maxAge = meta.max_age;
      // Ages by difference: +1 where a range starts, -1 after it ends.
      const ageSteps = new Int32Array(maxAge + 2);
      const tally = (list, doc, into) => {
        for (let i = list.start[doc]; i < list.start[doc + 1]; i++) into[list.values[i]]++;
      };
      const { docs, scores } = ranked;
      const passing = new Int32Array(docs.length);
      let passed = 0;
      for (let k = 0; k < docs.length; k++) {
        const doc = docs[k];
        const bits = failing(doc);
        if (bits === 0) passing[passed++] = k;
        else if ((bits & (bits - 1)) === 0) without[31 - Math.clz32(bits)]++;
        else continue;
        if (bits === 0 || bits === 1) counts.soort[f.kind[doc]]++;
        if (bits === 0 || bits === 2) tally(f.themes, doc, counts.thema);
        if (bits === 0 || bits === 4) tally(f.municipalities, doc, counts.gemeente);
        if (bits === 0 || bits === 8) tally(this.offeredIn, doc, counts.kern);
        if (f.kind[doc] !== 0) continue;
        if (bits === 0 || bits === 16) {
          const from = f.ageFrom[doc];
          if (from < 0) {
            ageSteps[0]++;
          } else if (from <= maxAge) {
            ageSteps[from]++;
            ageSteps[Math.min(f.ageTo[doc], maxAge) + 1]--;
          }
        }
        if (bits === 0 || bits === 32) tally(f.audiences, doc, counts.doelgroep);
        if ((bits === 0 || bits === 64) && f.access[doc] >= 0) counts.toegang[f.access[doc]]++;
        if ((bits === 0 || bits === 128) && f.free[doc] === 1) counts.gratis++;
      }
      for (let age = 0, running = 0; age <= maxAge; age++) counts.leeftijd[age] = running += ageSteps[age];
      return { hits: sortHits(docs, scores, passing.subarray(0, passed)), counts, without };
    }

    /** Adds the places and age that the query named to the chosen filters. */
    effectiveFilters(filters, plan) {
      const merged = {
        ...filters,
        gemeenten: [...filters.gemeenten],
        kernen: [...filters.kernen],
      };
      for (const g of plan.municipalities) if (!merged.gemeenten.includes(g)) merged.gemeenten.push(g);
      for (const k of plan.villages) if (!merged.kernen.includes(k)) merged.kernen.push(k);
      if (merged.leeftijd === null) merged.leeftijd = plan.age;
      return merged;
    }

    /** Plans, ranks and filters: everything the search page shows. */
    async search(query, filters = emptyFilters()) {
      const plan = await this.plan(query);
      const effective = this.effectiveFilters(filters, plan);
      const ranked = await this.rank(plan);
      return { plan, filters: effective, ...this.filter(ranked, effective) };
    }
  }

  const scoreBits = new Uint32Array(1);
  const scoreFloat = new Float32Array(scoreBits.buffer);
  const DOC_LIMIT = 2 ** 20;

  /**
   * `{doc, score}` of the chosen documents (`picked` indexes into `docs`),
   * best first, ties to the lower document number. A non-negative f32's
   * bits grow with its value, so score and document fit one sortable
   * float64 key, and a typed-array sort needs no comparator.
   */
  function sortHits(docs, scores, picked) {
    if (docs.length > 0 && docs[docs.length - 1] >= DOC_LIMIT) {
      return Array.from(picked, (k) => ({ doc: docs[k], score: scores[k] })).sort((a, b) => b.score - a.score || a.doc - b.doc);
    }
    const keys = new Float64Array(picked.length);
    for (let i = 0; i < picked.length; i++) {
      scoreFloat[0] = scores[picked[i]];
      keys[i] = scoreBits[0] * DOC_LIMIT + (DOC_LIMIT - 1 - docs[picked[i]]);
    }
    keys.sort();
    const hits = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[keys.length - 1 - i];
      const bits = Math.floor(key / DOC_LIMIT);
      scoreBits[0] = bits;
      hits[i] = { doc: DOC_LIMIT - 1 - (key - bits * DOC_LIMIT), score: scoreFloat[0] };
    }
    return hits;
  }

  /** Filters by facet; values are indexes into the lists of meta.json. */
  function emptyFilters() {
    return { soort: [], themas: [], gemeenten: [], kernen: [], leeftijd: null, doelgroepen: [], toegang: [], gratis: false };
  }

  const engine = { SearchIndex, emptyFilters, fold, words, stem, snowballDutch, editDistance };
  globalThis.SocialeKaartZoeken = engine;

  if (typeof document === 'undefined') return;

  // ---------------------------------------------------------------------
  // The search page

  const PAGE_SIZE = 10;
  const TYPING_PAUSE_MS = 1000;

  /** Facets as they appear in the URL and on the page, in failing() bit order. */
  const FACETS = [
    { key: 'soort', param: 'soort', legend: 'Soort', bit: 1 },
    { key: 'themas', param: 'thema', legend: 'Thema', bit: 2, count: 'thema' },
    { key: 'gemeenten', param: 'gemeente', legend: 'Gemeente', bit: 4, count: 'gemeente' },
    { key: 'kernen', param: 'kern', legend: 'Dorp of kern', bit: 8, count: 'kern' },
    { key: 'leeftijd', param: 'leeftijd', legend: 'Leeftijd van het kind', bit: 16 },
    { key: 'doelgroepen', param: 'doelgroep', legend: 'Voor wie', bit: 32, count: 'doelgroep' },
    { key: 'toegang', param: 'toegang', legend: 'Toegang', bit: 64, count: 'toegang' },
    { key: 'gratis', param: 'gratis', legend: 'Kosten', bit: 128 },
  ];
  const KINDS = ['aanbod', 'aanbieder'];
  const KIND_NAMES = ['Aanbod', 'Organisaties'];

  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  };

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  class SearchPage {
    constructor(root, input, index) {
      this.root = root;
      this.input = input;
      this.index = index;
      this.meta = index.meta;
      this.lists = {
        themas: this.meta.themes,
        gemeenten: this.meta.municipalities,
        kernen: this.meta.villages,
        doelgroepen: this.meta.audiences,
        toegang: this.meta.access,
      };
      this.status = root.querySelector('[data-zoek="status"]');
      this.recognised = root.querySelector('[data-zoek="herkend"]');
      this.list = root.querySelector('[data-zoek="lijst"]');
      this.more = root.querySelector('[data-zoek="meer"]');
      this.empty = root.querySelector('[data-zoek="leeg"]');
      this.filtersBox = root.querySelector('[data-zoek="filters"]');
      this.browse = document.querySelector('[data-zoek="bladeren"]');
      this.sequence = 0;
      this.shown = PAGE_SIZE;
      this.typing = false;
      this.typingTimer = 0;
      this.state = this.readUrl();
      this.input.value = this.state.q;
      this.buildFilters();
      this.wire();
    }

    readUrl() {
      const params = new URLSearchParams(location.search);
      const state = { q: params.get('q') || '', filters: emptyFilters() };
      const ids = (param, list) =>
        params
          .getAll(param)
          .map((id) => list.findIndex((item) => item.id === id))
          .filter((i) => i >= 0)
          .sort((a, b) => a - b);
      state.filters.soort = params.getAll('soort').map((k) => KINDS.indexOf(k)).filter((i) => i >= 0);
      for (const facet of FACETS) {
        if (this.lists[facet.key]) state.filters[facet.key] = ids(facet.param, this.lists[facet.key]);
      }
      const age = parseInt(params.get('leeftijd') || '', 10);
      state.filters.leeftijd = Number.isInteger(age) && age >= 0 && age <= this.meta.max_age ? age : null;
      state.filters.gratis = params.get('gratis') === '1';
      return state;
    }

    url() {
      const params = new URLSearchParams();
      const { q, filters } = this.state;
      if (q.trim()) params.set('q', q);
      for (const k of filters.soort) params.append('soort', KINDS[k]);
      for (const facet of FACETS) {
        const list = this.lists[facet.key];
        if (list) for (const i of filters[facet.key]) params.append(facet.param, list[i].id);
      }
      if (filters.leeftijd !== null) params.set('leeftijd', String(filters.leeftijd));
      if (filters.gratis) params.set('gratis', '1');
      const search = params.toString();
      return location.pathname + (search ? `?${search}` : '');
    }

    remember(push) {
      const url = this.url();
      if (url === location.pathname + location.search) return;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
    }

    wire() {
      this.input.addEventListener('input', () => {
        this.state.q = this.input.value;
        // The first keystroke of a burst adds a history entry; the rest of
        // the burst updates it, so Back returns to before the typing.
        this.remember(!this.typing);
        this.typing = true;
        clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => (this.typing = false), TYPING_PAUSE_MS);
        this.shown = PAGE_SIZE;
        this.run();
      });
      this.input.form.addEventListener('submit', (event) => {
        event.preventDefault();
        this.typing = false;
        this.state.q = this.input.value;
        this.remember(true);
        this.run();
      });
      window.addEventListener('popstate', () => {
        this.state = this.readUrl();
        this.input.value = this.state.q;
        this.typing = false;
        this.shown = PAGE_SIZE;
        this.run();
      });
      this.more.addEventListener('click', () => {
        const first = this.shown;
        this.shown += PAGE_SIZE;
        this.render(this.last, first);
      });
    }

    /** Applies a change to the filters, as a new history entry. */
    change(update) {
      update(this.state.filters);
      this.typing = false;
      this.shown = PAGE_SIZE;
      this.remember(true);
      this.run();
    }

    buildFilters() {
      this.controls = new Map();
      const box = this.filtersBox;
      box.replaceChildren();
      const wide = window.matchMedia('(min-width: 60em)').matches;
      const group = (facet, ...content) => {
        // Open on a wide screen, closed on a phone unless the group is in use.
        const inUse = facet.param === 'leeftijd' ? this.state.filters.leeftijd !== null : facet.param === 'gratis' ? this.state.filters.gratis : this.state.filters[facet.key].length > 0;
        const details = el('details', { class: 'filter', 'data-facet': facet.param, open: wide || inUse });
        details.append(el('summary', { class: 'filter__kop', text: facet.legend }), el('fieldset', { class: 'filter__groep' }, el('legend', { class: 'filter__legenda', text: facet.legend }), ...content));
        box.append(details);
        return details;
      };
      const checkbox = (facet, value, label) => {
        const id = `filter-${facet.param}-${value}`;
        const input = el('input', { type: 'checkbox', id, class: 'filter__vakje', 'data-facet': facet.param, value: String(value) });
        const count = el('span', { class: 'filter__aantal' });
        input.addEventListener('change', () => {
          // A place the query names is a filter too: unchecking it takes
          // its name out of the query.
          const named = this.last && !this.state.filters[facet.key].includes(value) && this.last.filters[facet.key].includes(value);
          if (!input.checked && named) {
            const places = facet.key === 'kernen' ? this.meta.villages : this.meta.municipalities;
            this.dropWords(places[value].phrase);
            return;
          }
          this.change((filters) => {
            const list = filters[facet.key];
            const at = list.indexOf(value);
            if (input.checked && at < 0) list.push(value);
            if (!input.checked && at >= 0) list.splice(at, 1);
            list.sort((a, b) => a - b);
          });
        });
        const item = el('li', { class: 'filter__optie' }, input, el('label', { for: id }, el('span', { text: label }), ' ', count));
        this.controls.set(`${facet.param}:${value}`, { input, count, item });
        return item;
      };
      for (const facet of FACETS) {
        if (facet.param === 'leeftijd') {
          const select = el('select', { id: 'filter-leeftijd', class: 'filter__keuze', 'data-facet': 'leeftijd' });
          select.append(el('option', { value: '', text: 'Alle leeftijden' }));
          for (let age = 0; age <= this.meta.max_age; age++) select.append(el('option', { value: String(age), text: plural(age, 'jaar', 'jaar') }));
          select.addEventListener('change', () =>
            this.change((filters) => (filters.leeftijd = select.value === '' ? null : parseInt(select.value, 10))),
          );
          this.ageSelect = select;
          group(facet, el('label', { for: 'filter-leeftijd', class: 'filter__label', text: 'Hoe oud is het kind?' }), select);
        } else if (facet.param === 'gratis') {
          const input = el('input', { type: 'checkbox', id: 'filter-gratis', class: 'filter__vakje', 'data-facet': 'gratis', value: '1' });
          const count = el('span', { class: 'filter__aantal' });
          input.addEventListener('change', () => this.change((filters) => (filters.gratis = input.checked)));
          this.controls.set('gratis:1', { input, count, item: null });
          group(facet, el('ul', { class: 'filter__opties' }, el('li', { class: 'filter__optie' }, input, el('label', { for: 'filter-gratis' }, el('span', { text: 'Alleen gratis' }), ' ', count))));
        } else if (facet.param === 'soort') {
          group(facet, el('ul', { class: 'filter__opties' }, ...KIND_NAMES.map((name, i) => checkbox(facet, i, name))));
        } else if (facet.param === 'kern') {
          const lists = this.meta.municipalities.map((g, gi) =>
            el('li', { class: 'filter__subgroep' }, el('span', { class: 'filter__subkop', text: g.name }),
              el('ul', { class: 'filter__opties' }, ...this.meta.villages.map((v, i) => [v, i]).filter(([v]) => v.municipality === gi).map(([v, i]) => checkbox(facet, i, v.name)))),
          );
          group(facet, el('ul', { class: 'filter__opties' }, ...lists));
        } else {
          group(facet, el('ul', { class: 'filter__opties' }, ...this.lists[facet.key].map((item, i) => checkbox(facet, i, item.name))));
        }
      }
    }

    async run() {
      const ticket = ++this.sequence;
      const { q, filters } = this.state;
      if (!q.trim() && !hasFilters(filters)) {
        this.last = null;
        this.clear();
        return;
      }
      this.root.setAttribute('aria-busy', 'true');
      try {
        const result = await this.index.search(q, filters);
        if (ticket !== this.sequence) return;
        this.last = result;
        await this.render(result, 0);
      } catch (error) {
        if (ticket !== this.sequence) return;
        this.status.textContent = 'Zoeken lukt nu niet. Laad de pagina opnieuw, of kies hieronder een thema, plaats of leeftijd.';
        if (this.browse) this.browse.hidden = false;
        throw error;
      } finally {
        if (ticket === this.sequence) this.root.removeAttribute('aria-busy');
      }
    }

    clear() {
      this.list.replaceChildren();
      this.recognised.replaceChildren();
      this.empty.replaceChildren();
      this.empty.hidden = true;
      this.more.hidden = true;
      this.status.textContent = '';
      this.updateFilters(null);
      if (this.browse) this.browse.hidden = false;
    }

    async render(result, from) {
      const ticket = this.sequence;
      const visible = result.hits.slice(from, this.shown);
      const rows = await this.index.rows(visible.map((h) => h.doc));
      if (ticket !== this.sequence) return;
      if (from === 0) this.list.replaceChildren();
      const highlight = highlighter(result.plan, this.state.q);
      visible.forEach((hit, k) => this.list.append(this.item(hit.doc, rows[k], highlight)));
      this.more.hidden = result.hits.length <= this.shown;
      if (from > 0) {
        const firstNew = this.list.children[from];
        const link = firstNew && firstNew.querySelector('a');
        if (link) link.focus();
      }
      this.updateFilters(result);
      this.showRecognised(result);
      this.showEmpty(result);
      if (this.browse) this.browse.hidden = true;
      const n = result.hits.length;
      const q = this.state.q.trim();
      this.status.textContent = `${plural(n, 'resultaat', 'resultaten')}${q ? ` voor ‘${q}’` : ''}`;
    }

    item(doc, row, highlight) {
      const [url, title, provider, summary, status] = row;
      const f = this.index.facets;
      const offer = f.kind[doc] === 0;
      const age = f.ageFrom[doc] < 0 ? null : [f.ageFrom[doc], f.ageTo[doc]];
      const labels = el('ul', { class: 'labels', 'aria-label': 'Kenmerken' });
      const label = (text, modifier) => labels.append(el('li', { class: modifier ? `label label--${modifier}` : 'label', text }));
      if (!offer) label('Organisatie');
      if (status === 'gepland') label('Nog niet beschikbaar', 'let-op');
      if (status === 'gepauzeerd') label('Tijdelijk gestopt', 'let-op');
      if (offer && age) label(age[0] === 0 && age[1] >= 99 ? 'alle leeftijden' : `${age[0]} tot en met ${age[1]} jaar`);
      if (offer && f.free[doc] === 1) label('Gratis', 'gratis');
      if (offer && f.access[doc] === 0) label('Zelf aanmelden', 'zelf');
      else if (offer && f.access[doc] > 0) label(this.meta.access[f.access[doc]].name);
      return el(
        'li',
        { class: status ? 'kaart kaart--niet-actief' : 'kaart' },
        el('h3', { class: 'kaart__titel' }, el('a', { class: 'kaart__link', href: url }, ...highlight(title))),
        provider ? el('p', { class: 'kaart__aanbieder', text: provider }) : null,
        el('p', { class: 'kaart__samenvatting' }, ...highlight(summary)),
        labels.children.length > 0 ? labels : null,
      );
    }

    updateFilters(result) {
      const filters = result ? result.filters : this.state.filters;
      const chosen = this.state.filters;
      for (const facet of FACETS) {
        const details = this.filtersBox.querySelector(`[data-facet="${facet.param}"]`);
        if (facet.param === 'leeftijd') {
          this.ageSelect.value = chosen.leeftijd === null ? '' : String(chosen.leeftijd);
          for (const option of this.ageSelect.options) {
            if (option.value === '') continue;
            const age = parseInt(option.value, 10);
            const count = result ? result.counts.leeftijd[age] : null;
            option.textContent = `${plural(age, 'jaar', 'jaar')}${count === null ? '' : ` (${count})`}`;
          }
          continue;
        }
        if (facet.param === 'gratis') {
          const control = this.controls.get('gratis:1');
          control.input.checked = chosen.gratis;
          control.count.textContent = result ? `(${result.counts.gratis})` : '';
          continue;
        }
        let anyVisible = false;
        for (const [key, control] of this.controls) {
          if (!key.startsWith(`${facet.param}:`)) continue;
          const value = parseInt(key.slice(facet.param.length + 1), 10);
          const selected = chosen[facet.key].includes(value);
          const implied = !selected && filters[facet.key].includes(value);
          const count = result ? result.counts[facet.count || 'soort'][value] : null;
          control.input.checked = selected || implied;
          control.count.textContent = count === null ? '' : `(${count})`;
          const visible = count === null || count > 0 || selected || implied;
          control.item.hidden = !visible;
          anyVisible = anyVisible || visible;
        }
        details.hidden = !anyVisible;
        for (const sub of details.querySelectorAll('.filter__subgroep')) {
          sub.hidden = [...sub.querySelectorAll('.filter__optie')].every((li) => li.hidden);
        }
      }
    }

    /** Shows what the query itself named (a place, an age) and the chosen filters, each removable. */
    showRecognised(result) {
      const chips = [];
      const chip = (text, action, remove) => {
        const button = el('button', { type: 'button', class: 'filterlabel', 'aria-label': action }, el('span', { text }), el('span', { class: 'filterlabel__kruis', 'aria-hidden': 'true', text: '×' }));
        button.addEventListener('click', remove);
        chips.push(el('li', {}, button));
      };
      const plan = result.plan;
      for (const g of plan.municipalities) {
        const name = this.meta.municipalities[g].name;
        chip(`In gemeente ${name}`, `Zoek ook buiten ${name}`, () => this.dropWords(this.meta.municipalities[g].phrase));
      }
      for (const k of plan.villages) {
        const name = this.meta.villages[k].name;
        chip(`In ${name}`, `Zoek ook buiten ${name}`, () => this.dropWords(this.meta.villages[k].phrase));
      }
      if (plan.age !== null && this.state.filters.leeftijd === null) {
        chip(`${plan.age} jaar`, `Zoek voor alle leeftijden`, () => this.dropAge());
      }
      const chosen = this.state.filters;
      for (const facet of FACETS) {
        const list = this.lists[facet.key];
        if (!list) continue;
        for (const i of chosen[facet.key]) {
          chip(`${facet.legend}: ${list[i].name}`, `Filter ${facet.legend.toLowerCase()} ${list[i].name} weghalen`, () =>
            this.change((filters) => filters[facet.key].splice(filters[facet.key].indexOf(i), 1)),
          );
        }
      }
      for (const k of chosen.soort) chip(`Soort: ${KIND_NAMES[k]}`, `Filter soort ${KIND_NAMES[k]} weghalen`, () => this.change((filters) => filters.soort.splice(filters.soort.indexOf(k), 1)));
      if (chosen.leeftijd !== null) chip(`${chosen.leeftijd} jaar`, 'Filter leeftijd weghalen', () => this.change((filters) => (filters.leeftijd = null)));
      if (chosen.gratis) chip('Alleen gratis', 'Filter gratis weghalen', () => this.change((filters) => (filters.gratis = false)));
      this.recognised.replaceChildren(...(chips.length ? [el('ul', { class: 'filterlabels', 'aria-label': 'Gekozen filters' }, ...chips)] : []));
    }

    /** Removes the words of a recognised place from the query. */
    dropWords(phrase) {
      const kept = this.state.q.split(/\s+/).filter((w) => {
        const terms = this.index.words(w).map(stem);
        return !(terms.length > 0 && terms.every((t) => phrase.includes(t)));
      });
      this.input.value = this.state.q = kept.join(' ');
      this.change(() => {});
    }

    dropAge() {
      const ageWords = this.meta.query.age_words;
      this.input.value = this.state.q = this.state.q
        .replace(new RegExp(`\\b\\d{1,2}[\\s-]*(${ageWords.join('|')})\\b`, 'iu'), ' ')
        .replace(/\s+/g, ' ')
        .trim();
      this.change(() => {});
    }

    /** No results: offers to drop a filter, or shows related themes. */
    showEmpty(result) {
      this.empty.replaceChildren();
      this.empty.hidden = result.hits.length > 0;
      if (result.hits.length > 0) return;
      const q = this.state.q.trim();
      this.empty.append(el('p', { class: 'zoeken__leeg-kop', text: q ? `Niets gevonden voor ‘${q}’.` : 'Niets gevonden met deze filters.' }));
      const drops = [];
      FACETS.forEach((facet, bit) => {
        const n = result.without[bit];
        if (n === 0) return;
        const button = el('button', { type: 'button', class: 'knop knop--tweede', text: `Zonder filter ${facet.legend.toLowerCase()}: ${plural(n, 'resultaat', 'resultaten')}` });
        button.addEventListener('click', () => this.dropFacet(facet, result));
        drops.push(el('li', {}, button));
      });
      if (drops.length > 0) {
        this.empty.append(el('p', { text: 'Probeer het met minder filters:' }), el('ul', { class: 'zoeken__voorstellen' }, ...drops));
        return;
      }
      const plan = result.plan;
      let themes = [...plan.matchedThemes, ...plan.relatedThemes];
      if (themes.length === 0) {
        // Nothing in the query pointed to a theme: offer the largest ones.
        const offers = new Array(this.meta.themes.length).fill(0);
        const f = this.index.facets;
        for (let doc = 0; doc < f.count; doc++) {
          if (f.kind[doc] === 0) for (const t of valuesOf(f.themes, doc)) offers[t]++;
        }
        themes = offers
          .map((n, i) => [n, i])
          .filter(([n]) => n > 0)
          .sort((a, b) => b[0] - a[0] || a[1] - b[1])
          .slice(0, 8)
          .map(([, i]) => i);
      }
      this.empty.append(
        el('p', { text: 'Controleer de spelling, gebruik minder woorden, of kijk bij een thema:' }),
        el('ul', { class: 'woorden' }, ...themes.map((t) => el('li', {}, el('a', { href: `/themas/${this.meta.themes[t].id}/`, text: this.meta.themes[t].name })))),
      );
    }

    dropFacet(facet, result) {
      if (facet.param === 'kern' && result.plan.villages.length > 0) {
        for (const k of result.plan.villages) this.dropWords(this.meta.villages[k].phrase);
      }
      if (facet.param === 'gemeente' && result.plan.municipalities.length > 0) {
        for (const g of result.plan.municipalities) this.dropWords(this.meta.municipalities[g].phrase);
      }
      if (facet.param === 'leeftijd' && result.plan.age !== null) this.dropAge();
      this.change((filters) => {
        if (facet.param === 'leeftijd') filters.leeftijd = null;
        else if (facet.param === 'gratis') filters.gratis = false;
        else filters[facet.key] = [];
      });
    }
  }

  function hasFilters(filters) {
    return (
      filters.soort.length + filters.themas.length + filters.gemeenten.length + filters.kernen.length + filters.doelgroepen.length + filters.toegang.length > 0 ||
      filters.leeftijd !== null ||
      filters.gratis
    );
  }

  /**
   * Splits text into nodes with the words that match the plan in <mark>: a
   * word whose stem the plan searched for, a word that contains such a stem
   * of four or more letters (a compound), or that starts with the word
   * being typed.
   */
  function highlighter(plan, query) {
    const terms = new Set(plan.terms.map((t) => t.term));
    const long = [...terms].filter((t) => t.length >= 4);
    const folded = fold(query);
    const typed = /[\p{Alphabetic}\p{N}]$/u.test(folded) ? (folded.match(WORD) || []).pop() : null;
    const matches = (word) => {
      const parts = words(fold(word), Infinity);
      return parts.some((w) => terms.has(stem(w)) || long.some((t) => w.includes(t)) || (typed && typed.length >= 3 && w.startsWith(typed)));
    };
    return (text) => {
      const nodes = [];
      let at = 0;
      for (const m of text.matchAll(/[\p{Alphabetic}\p{N}\p{M}]+/gu)) {
        if (!matches(m[0])) continue;
        if (m.index > at) nodes.push(text.slice(at, m.index));
        nodes.push(el('mark', { text: m[0] }));
        at = m.index + m[0].length;
      }
      if (at < text.length) nodes.push(text.slice(at));
      return nodes;
    };
  }

  async function start() {
    const root = document.querySelector('[data-zoek="app"]');
    const input = document.getElementById('zoek-pagina');
    if (!root || !input) return;
    const notice = document.querySelector('[data-zoek="zonder-js"]');
    try {
      const index = await SearchIndex.open();
      const page = new SearchPage(root, input, index);
      root.hidden = false;
      if (notice) notice.hidden = true;
      await page.run();
    } catch (error) {
      if (notice) notice.textContent = 'Zoeken lukt nu niet. Kies hieronder een thema, plaats of leeftijd.';
      throw error;
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
