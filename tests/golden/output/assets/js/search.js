// Search page: runs Pagefind (output/pagefind/, built by plugins/search_index)
// in the browser. The form works as a plain GET form: the query and the
// filters live in the URL, so results can be bookmarked and shared.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const kinds = ["category", "tag", "author"];
const root = new URL(form.dataset.siteRoot || "../", location.href);
const shown = 20;

let pagefind;
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
  pagefind ??= await import(new URL("pagefind/pagefind.js", root).href).then(async (module) => {
    await module.options({ baseUrl: root.pathname });
    return module;
  });
  const options = { filters: current.filters };
  if (!current.query) options.sort = { date: "desc" };
  const search = await pagefind.search(current.query || null, options);
  const results = await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
  if (mine !== generation) return; // a newer search has started
  list.replaceChildren(...results.map(item));
  const n = search.results.length;
  status.textContent = n === 0 ? "No posts found."
    : n === 1 ? "1 post found."
    : n > shown ? `${n} posts found; showing the best ${shown}.` : `${n} posts found.`;
}

function debounce(fn, ms) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
for (const kind of kinds) form.elements[kind].value = params.get(kind) || "";
form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
input.addEventListener("input", debounce(run, 250));
for (const kind of kinds) form.elements[kind].addEventListener("change", run);
run().catch((error) => { status.textContent = "Search is not available: " + error.message; });
