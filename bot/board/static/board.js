// Tavlen: keep the page live. The server sends an event when the channel's data changed (or
// the link stopped working); the page fetches its content again. Same origin only, no framework.
(function () {
  "use strict";
  // /tavle/<token> (the overview) or /tavle/<token>/vis (presentation mode)
  var path = location.pathname.replace(/\/+$/, "");
  var present = /\/vis$/.test(path);
  var base = present ? path.slice(0, -4) : path;
  var content = base + (present ? "/vis/indhold" : "/indhold");
  var main = document.getElementById("indhold");
  var status = document.getElementById("live");
  if (!main || !status || !window.EventSource || !window.fetch) { return; }
  var loading = false, again = false;

  function say(text) { status.textContent = text; }

  function clock() {
    var d = new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2) + ":" +
      ("0" + d.getSeconds()).slice(-2);
  }

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(content, { credentials: "omit", cache: "no-store" }).then(function (r) {
      if (r.status === 404) { gone(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null && html !== undefined) {
        main.innerHTML = html;
        document.dispatchEvent(new CustomEvent("board:updated"));
        say(status.dataset.updated + " " + clock());
      }
    }).catch(function () { say(status.dataset.offline); }).then(function () {
      loading = false;
      if (again) { again = false; refresh(); }
    });
  }

  var source;
  function gone() {
    if (source) { source.close(); }
    say(status.dataset.gone);
  }

  source = new EventSource(base + "/events");
  var dropped = false;  // after a lost connection, what changed meanwhile is fetched
  source.addEventListener("open", function () {
    say(status.dataset.live);
    if (dropped) { dropped = false; refresh(); }
  });
  source.addEventListener("changed", refresh);
  source.addEventListener("gone", gone);
  source.addEventListener("error", function () {
    dropped = true;
    if (source.readyState === EventSource.CLOSED) { gone(); } else { say(status.dataset.offline); }
  });
})();
