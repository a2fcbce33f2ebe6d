// The preview's live reload and error overlay (plugins/preview).
// A file, not an inline script: the pages' Content-Security-Policy allows
// only the site's own scripts. It listens to the preview server's events
// (same origin) and reloads the page when it was rewritten; when a saved
// post has mistakes it shows them (file:line) over the last good page.
(function () {
  "use strict";
  var boot = null;
  var here = location.pathname;

  function overlay(status) {
    var box = document.getElementById("preview-problems");
    var problems = (status && status.problems) || [];
    if (!problems.length) {
      if (box) { box.remove(); }
      return;
    }
    if (!box) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "/__preview/overlay.css";
      document.head.appendChild(link);
      box = document.createElement("section");
      box.id = "preview-problems";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("h2");
    title.textContent = "Not published: fix these and save (this page is the last good version)";
    var list = document.createElement("pre");
    list.textContent = problems.join("\n");
    box.appendChild(title);
    box.appendChild(list);
  }

  function refresh() {
    fetch("/__preview/status", {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(overlay, function () {});
  }

  var events = new EventSource("/__preview/events");
  events.addEventListener("hello", function (e) {
    var data = JSON.parse(e.data);
    if (boot !== null && data.boot !== boot) { location.reload(); return; }
    boot = data.boot;
    refresh();
  });
  events.addEventListener("reload", function (e) {
    var paths = JSON.parse(e.data).paths;
    if (paths === "*" || paths.indexOf(here) >= 0) { location.reload(); }
  });
  events.addEventListener("status", function (e) { overlay(JSON.parse(e.data)); });
})();
