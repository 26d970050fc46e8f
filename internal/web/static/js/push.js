// Web Push on the subscription pages. On /subscribe: the "notifications in this browser" choice
// registers the service worker, subscribes with the node's VAPID key and sends the subscription
// with the form. On the confirmation page: the code arrives in a push message, which this page
// takes from the service worker (or from the notification already shown) and submits.
(function () {
  "use strict";
  var SCOPE = "/push/";

  function supported() {
    return window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function keyBytes(b64) {
    var s = b64.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  // within rejects when p has not settled after ms: a browser that cannot reach its push service
  // (an air-gapped network, a build without one) may otherwise leave the visitor waiting forever.
  function within(ms, p, shown) {
    return Promise.race([p, new Promise(function (resolve, reject) {
      setTimeout(function () { reject({ shown: shown }); }, ms);
    })]);
  }

  // activated resolves once the registration has an active worker: subscribing needs one.
  function activated(reg) {
    if (reg.active) { return Promise.resolve(reg); }
    var w = reg.installing || reg.waiting;
    return new Promise(function (resolve, reject) {
      w.addEventListener("statechange", function () {
        if (w.state === "activated") { resolve(reg); }
        if (w.state === "redundant") { reject(new Error("service worker failed to install")); }
      });
    });
  }

  function setupForm(form) {
    var option = document.getElementById("push-option");
    var radio = option.querySelector("input[type=radio]");
    var status = document.getElementById("push-status");
    var address = document.getElementById("subscribe-address");
    var ds = form.dataset;
    option.hidden = false;
    function say(text, isError) {
      status.textContent = text;
      status.hidden = !text;
      status.className = isError ? "msg error" : "hint";
    }
    if (!supported()) {
      radio.disabled = true;
      say(ds.pushUnsupported, true);
    }
    function sync() {
      var push = radio.checked;
      address.hidden = push;
      address.querySelector("input").required = !push;
    }
    form.addEventListener("change", sync);
    sync();
    form.addEventListener("submit", function (ev) {
      if (!radio.checked || ds.pushReady === "1") { return; }
      ev.preventDefault();
      say(ds.pushWorking, false);
      Notification.requestPermission().then(function (perm) {
        if (perm !== "granted") { throw { shown: ds.pushDenied }; }
        return navigator.serviceWorker.register("/push/sw.js", { scope: SCOPE });
      }).then(activated).then(function (reg) {
        return within(20000, reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(ds.pushKey) }), ds.pushFailed);
      }).then(function (sub) {
        var j = sub.toJSON();
        form.elements.push_endpoint.value = j.endpoint;
        form.elements.push_p256dh.value = j.keys.p256dh;
        form.elements.push_auth.value = j.keys.auth;
        ds.pushReady = "1";
        form.submit();
      }).catch(function (e) {
        if (e && e.shown) {
          say(e.shown, true);
        } else {
          // The browser's own words, for whoever helps the visitor: they are not ours to translate.
          say(ds.pushFailed + " (" + (e && e.message ? e.message : String(e)) + ")", true);
        }
      });
    });
  }

  function setupConfirm(form) {
    if (!supported()) { return; }
    var tag = "confirm-" + form.elements.id.value;
    var code = form.elements.code;
    function take(c) {
      if (c && !code.value) {
        code.value = c;
        form.submit();
      }
    }
    navigator.serviceWorker.onmessage = function (ev) {
      if (ev.data && ev.data.tag === tag) { take(ev.data.code); }
    };
    // The message may have come while this page was loading: its notification is still shown.
    navigator.serviceWorker.getRegistration(SCOPE).then(function (reg) {
      if (!reg) { return undefined; }
      return reg.getNotifications({ tag: tag }).then(function (ns) {
        ns.forEach(function (n) { take(n.data && n.data.code); });
      });
    });
  }

  var form = document.getElementById("subscribe");
  if (form && form.dataset.pushKey) { setupForm(form); }
  var confirm = document.getElementById("confirm");
  if (confirm && confirm.dataset.channel === "push") { setupConfirm(confirm); }
}());
