// Tavlen's presentation mode: one question per screen. ← → (or Page Up/Down, space) move
// between questions, Home/End to the first and last, E shows or hides the element's text.
// The question on screen is in the address (#q-1.1), so a reload or a live update keeps it.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var showText = false;

  function slides() { return Array.prototype.slice.call(document.querySelectorAll(".slide")); }

  function current(all) {
    var id = decodeURIComponent(location.hash.slice(1));
    var i = all.findIndex(function (s) { return s.id === id; });
    return i < 0 ? 0 : i;
  }

  function show(index, focus) {
    var all = slides();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (s, i) { s.hidden = i !== index; });
    var element = all[index].dataset.element;
    document.querySelectorAll(".element-text").forEach(function (a) {
      a.hidden = !(showText && a.dataset.element === element);
    });
    if (location.hash !== "#" + all[index].id) {
      history.replaceState(null, "", "#" + all[index].id);
    }
    if (focus) { all[index].querySelector("h2").focus(); }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var all = slides(), i = current(all);
    var moves = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
    if (ev.key in moves) { show(i + moves[ev.key], true); ev.preventDefault(); }
    else if (ev.key === "Home") { show(0, true); ev.preventDefault(); }
    else if (ev.key === "End") { show(all.length - 1, true); ev.preventDefault(); }
    else if (ev.key === "e" || ev.key === "E") { showText = !showText; show(i, false); ev.preventDefault(); }
  });
  document.addEventListener("board:updated", function () { show(current(slides()), false); });
  window.addEventListener("hashchange", function () { show(current(slides()), false); });
  show(current(slides()), false);
})();
