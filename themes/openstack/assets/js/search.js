// Search page: runs Pagefind (output/pagefind/, built by plugins/search_index)
// in the browser. The form works as a plain GET form: the query and the
// filters live in the URL, so results can be bookmarked and shared.
//
// The index may be split into bundles, one per period (pagefind/bundles.json
// lists them, newest first, with their sizes): Pagefind's runtime and an
// empty primary index are in pagefind/, and every bundle is merged into it
// (mergeIndex), so a query searches them all. Each bundle's pages carry a
// "bundle" filter, used to rank across bundles and to list newest first.
import { stem } from "./porter2.js";

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const kinds = ["category", "tag", "author"];
const root = new URL(form.dataset.siteRoot || "../", location.href);
const shown = 20;

let loading; // a promise of { pagefind, bundles }, made by the first search
let generation = 0;

function state() {
  const filters = {};
  for (const kind of kinds) {
    const value = form.elements[kind].value;
    if (value) filters[kind] = value;
  }
  return { query: input.value.trim(), filters };
}

function remember({ query, filters }) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [kind, value] of Object.entries(filters)) params.set(kind, value);
  const search = params.toString();
  history.replaceState(null, "", search ? "?" + search : location.pathname);
}

function item(data) {
  const li = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  li.append(heading);
  if (data.meta.date) {
    const date = document.createElement("p");
    date.className = "search-meta";
    date.textContent = data.meta.date;
    li.append(date);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(...highlighted(data.excerpt));
  li.append(excerpt);
  return li;
}

// Pagefind's excerpt is HTML: the page's text with <mark> around the matches.
// It is parsed in an inert document (nothing in it loads or runs) and only
// its text and <mark> elements are kept, whatever a post's text held.
function highlighted(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  return Array.from(parsed.body.childNodes, (node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}

async function run() {
  const current = state();
  remember(current);
  const mine = ++generation;
  if (!current.query && !Object.keys(current.filters).length) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching\u2026";
  const search = await (loading ??= load());
  const found = current.query ? await ranked(search, current) : await newestFirst(search, current);
  const results = await Promise.all(found.top.map((r) => r.data()));
  if (mine !== generation) return; // a newer search has started
  list.replaceChildren(...results.map(item));
  const n = found.count;
  status.textContent = n === 0 ? "No posts found."
    : n === 1 ? "1 post found."
    : n > shown ? `${n} posts found; showing the best ${shown}.` : `${n} posts found.`;
  status.dataset.search = mine; // which search the results are from (the tests wait for it)
}

async function load() {
  const base = new URL("pagefind/", root);
  const [pagefind, bundles] = await Promise.all([
    import(new URL("pagefind.js", base).href),
    fetch(new URL("bundles.json", base)).then((response) => {
      if (!response.ok) throw new Error(`no search index (${response.status})`);
      return response.json();
    }),
  ]);
  await pagefind.options({ baseUrl: root.pathname });
  await Promise.all(bundles.map(({ name }) => pagefind.mergeIndex(new URL(name + "/", base).pathname,
    { baseUrl: root.pathname, mergeFilter: { bundle: name } })));
  return { pagefind, bundles };
}

// A query: the best matches first, from every bundle, as one index of the
// whole blog would give them. Two things differ when Pagefind searches each
// bundle alone, and are put right here:
// - In a bundle with no word that starts with a query word, Pagefind falls
//   back to the longest word the query word starts with ("arguements" finds
//   "a"): one index would not, as long as another bundle has the word. Such a
//   bundle's results are left out (see fellBack).
// - Pagefind scores with BM25, whose weight for a word (its IDF) comes from
//   how many pages of the bundle have it: a word common in one year and rare
//   in another would rank the other year's posts first. Each bundle's scores
//   are scaled by the query's weight over the whole blog against its weight
//   in that bundle (Pagefind's IDF formula, pagefind_core_search).
// Every count comes from the "bundle" filter of a search.
async function ranked(search, { query, filters }) {
  const { pagefind, bundles } = search;
  const found = await pagefind.search(query, { filters });
  const exactQuery = /^\s*".+"\s*$/.test(query);
  if (bundles.length < 2 || exactQuery || !found.results.length) {
    return { count: found.results.length, top: found.results.slice(0, shown) };
  }
  const perBundle = async (term) => (await pagefind.search(term)).filters.bundle || {};
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const [matching, exact] = await Promise.all([
    Promise.all(words.map((word) => perBundle(word))),
    Promise.all(words.map((word) => perBundle(`"${word}"`))),
  ]);
  const dropped = await fellBack(pagefind, words, matching, exact);
  const inBundle = found.filters.bundle || {};
  const kept = bundles.filter((b) => inBundle[b.name] && !dropped.has(b.name));
  const total = bundles.reduce((sum, b) => sum + b.pages, 0);
  const idf = (pages, having) => Math.log((pages - having + 0.5) / (having + 0.5) + 1);
  const parts = await Promise.all(kept.map(async (b) => {
    let site = 0, own = 0;
    for (const counts of exact) {
      if (!counts[b.name]) continue; // a word matched here by its longer forms: weighed as Pagefind did
      site += idf(total, Object.values(counts).reduce((sum, n) => sum + n, 0));
      own += idf(b.pages, counts[b.name]);
    }
    const scale = own > 0 ? site / own : 1;
    const part = await pagefind.search(query, { filters: { ...filters, bundle: b.name } });
    return part.results.map((result) => ({ result, score: result.score * scale }));
  }));
  const merged = parts.flat().sort((a, b) => b.score - a.score);
  const count = kept.reduce((sum, b) => sum + inBundle[b.name], 0);
  return { count, top: merged.slice(0, shown).map((m) => m.result) };
}

// The bundles whose matches for a query word are Pagefind's fallback. Pagefind
// stems a query word and matches the words whose stems start with it; in an
// index with none, it falls back to the longest stem the query's stem starts
// with ("appeal" finding "app" or "a"). One index of the whole blog falls back
// only where no bundle has the word: so where some bundle has it, a bundle whose
// match (the first <mark> of its best result) does not stem to a longer form of
// it is left out, and one that matched longer forms ("design" finding
// "designate") keeps them, as one index would. The stemmer is Pagefind's
// algorithm, Porter2 (porter2.js), in the revision before Snowball 3: for a
// few words ("internal", "organization", "added") its stem is not Pagefind's,
// and there a bundle may be kept or left out otherwise than one index would
// (tests/test_search.py counts them).
async function fellBack(pagefind, words, matching, exact) {
  const dropped = new Set();
  await Promise.all(words.map(async (word, i) => {
    if (!Object.values(exact[i]).some((n) => n > 0)) return; // nowhere as such: every bundle falls back alike
    const target = stem(folded(word.replace(/\p{P}+/gu, "")));
    await Promise.all(Object.keys(matching[i]).filter((name) => matching[i][name] && !exact[i][name]).map(async (name) => {
      const best = (await pagefind.search(word, { filters: { bundle: name } })).results[0];
      if (!best) return;
      const mark = /<mark>([^<]*)<\/mark>/.exec((await best.data()).excerpt);
      if (!indexedWords(mark ? mark[1] : "").some((w) => stem(w).startsWith(target))) dropped.add(name);
    }));
  }));
  return dropped;
}

// Lower case without diacritics, as Pagefind folds what it indexes and searches.
function folded(text) {
  return text.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
}

// The words Pagefind indexed for a marked token: the token without its
// punctuation, and each part of it ("designate-central." holds "designate",
// "central" and "designatecentral"; a marked URL, each of its parts).
function indexedWords(token) {
  const parts = folded(token).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return parts.length > 1 ? [...parts, parts.join("")] : parts;
}

// Filters alone: the newest posts first. Pagefind ranks each bundle's sorted
// results by their place in that bundle, so merged results would interleave;
// the bundles are periods, so the newest bundle's posts come first, then the
// next one's, each bundle sorted by date.
async function newestFirst(search, { filters }) {
  const all = await search.pagefind.search(null, { filters });
  const picked = [];
  for (const { name } of search.bundles) {
    if (picked.length >= shown) break;
    const part = await search.pagefind.search(null, { filters: { ...filters, bundle: name }, sort: { date: "desc" } });
    picked.push(...part.results);
  }
  return { count: all.results.length, top: picked.slice(0, shown) };
}

// Typing searches once the reader pauses; Enter searches at once and drops the
// pending search (else a second search of the same words would replace the
// results a moment later, or a slow one land after the next query's).
let typing;
function searchSoon() { clearTimeout(typing); typing = setTimeout(run, 250); }
function searchNow() { clearTimeout(typing); run(); }

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
for (const kind of kinds) form.elements[kind].value = params.get(kind) || "";
form.addEventListener("submit", (event) => { event.preventDefault(); searchNow(); });
input.addEventListener("input", searchSoon);
for (const kind of kinds) form.elements[kind].addEventListener("change", searchNow);
run().catch((error) => { status.textContent = "Search is not available: " + error.message; });
