// "Stop notifications on this device" on /subscribe: shown when this browser holds a push
// subscription of this site; it ends the subscription in the browser (so its push service drops
// it) and tells the node, which forgets the subscriber.
(function () {
  "use strict";
  var box = document.getElementById("push-stop");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
  var button = document.getElementById("push-stop-button");
  var status = document.getElementById("push-stop-status");
  function say(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.className = isError ? "msg error" : "msg notice";
  }
  function current() {
    return navigator.serviceWorker.getRegistration("/push/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    });
  }
  current().then(function (sub) { box.hidden = !sub; }).catch(function () { box.hidden = true; });
  button.addEventListener("click", function () {
    button.disabled = true;
    current().then(function (sub) {
      if (!sub) { return null; }
      var endpoint = sub.endpoint;
      // The browser first: even if the node cannot be reached, nothing arrives any more.
      return sub.unsubscribe().then(function () {
        return fetch("/api/v1/unsubscribe", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ push_endpoint: endpoint })
        });
      }).then(function (resp) {
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return true;
      });
    }).then(function (stopped) {
      say(stopped ? box.dataset.stopped : box.dataset.none, false);
    }).catch(function (e) {
      button.disabled = false;
      // The browser's own words, for whoever helps the visitor: they are not ours to translate.
      say(box.dataset.failed + " (" + (e && e.message ? e.message : String(e)) + ")", true);
    });
  });
}());
