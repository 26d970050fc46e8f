// Keeps the public warnings page current: when the node issues, updates, cancels or expires a
// warning, the page shows a notice and reloads itself a moment later (list and map together).
(function () {
  "use strict";
  var el = document.querySelector("[data-live-url]");
  if (!el || !window.EventSource) { return; }
  var source = new EventSource(el.getAttribute("data-live-url"));
  var pending = false;
  source.onmessage = function () {
    if (pending) { return; }
    pending = true;
    el.hidden = false;
    setTimeout(function () { window.location.reload(); }, 1500);
  };
}());
