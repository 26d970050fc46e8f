// Shows delivery progress on a warning's page: pending, sent and failed per channel for each
// issued message, refreshed every few seconds while anything is pending.
(function () {
  "use strict";
  var box = document.querySelector("[data-deliveries-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-deliveries-url");
  function render(data) {
    var table = box.querySelector("tbody");
    table.textContent = "";
    var pending = 0, total = 0;
    data.messages.forEach(function (m) {
      var by = {};
      m.counts.forEach(function (c) {
        by[c.Channel] = by[c.Channel] || { pending: 0, sent: 0, failed: 0 };
        by[c.Channel][c.State] = c.Count;
        total += c.Count;
        if (c.State === "pending") { pending += c.Count; }
      });
      Object.keys(by).sort().forEach(function (ch) {
        var tr = document.createElement("tr");
        [m.msg_type, ch, by[ch].pending, by[ch].sent, by[ch].failed, ch === "sms" ? handset(m.handset) : ""].forEach(function (v) {
          var td = document.createElement("td");
          td.textContent = String(v);
          tr.appendChild(td);
        });
        table.appendChild(tr);
      });
    });
    box.setAttribute("data-total", String(total));
    box.setAttribute("data-pending", String(pending));
    return pending;
  }
  // handset summarises the SMSC's receipts for the SMS segments it accepted.
  function handset(counts) {
    var delivered = 0, failed = 0, waiting = 0;
    (counts || []).forEach(function (c) {
      if (c.Status === "DELIVRD") { delivered += c.Count; } else if (c.Status === "" || c.Status === "ENROUTE" || c.Status === "ACCEPTD") { waiting += c.Count; } else { failed += c.Count; }
    });
    return box.getAttribute("data-handset-delivered") + " " + delivered + " · " + box.getAttribute("data-handset-failed") + " " + failed +
      " · " + box.getAttribute("data-handset-waiting") + " " + waiting;
  }
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      var pending = render(d);
      setTimeout(poll, pending > 0 ? 2000 : 10000);
    }).catch(function () { setTimeout(poll, 10000); });
  }
  poll();
}());
