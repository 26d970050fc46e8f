// Shows the node's live events on the dashboard. EventSource reconnects by itself; the server
// ends each stream after a while so clients spread over the node's servers.
(function () {
  "use strict";
  var list = document.getElementById("live-events");
  if (!list || !window.EventSource) { return; }
  var empty = document.createElement("li");
  empty.className = "muted";
  empty.textContent = list.getAttribute("data-empty");
  list.appendChild(empty);
  var source = new EventSource(list.getAttribute("data-events-url"));
  var shown = 0;
  function show(e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    if (empty.parentNode) { empty.parentNode.removeChild(empty); }
    var li = document.createElement("li");
    var time = document.createElement("time");
    time.dateTime = data.at || "";
    time.textContent = (data.at || "").replace("T", " ").slice(0, 19);
    var kind = document.createElement("code");
    kind.textContent = data.kind || "";
    var what = document.createElement("span");
    what.setAttribute("dir", "auto");
    var name = data.data && (data.data.Name || data.data.name || data.data.username);
    what.textContent = " " + (name || data.entity_id || "");
    li.appendChild(time);
    li.appendChild(kind);
    li.appendChild(what);
    list.insertBefore(li, list.firstChild);
    shown++;
    list.setAttribute("data-events-shown", String(shown));
    while (list.children.length > 100) { list.removeChild(list.lastChild); }
  }
  source.onmessage = show;
}());
