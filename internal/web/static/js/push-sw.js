// Taawun's service worker for Web Push, served at /push/sw.js with scope /push/: it controls no
// page, it only receives push messages. Each message is the JSON of dissem.PushPayload, already
// in the subscriber's language: it is shown as a notification, and a click opens the warning.
// When the push service replaces the subscription (pushsubscriptionchange), the worker tells the
// node, so that warnings keep coming without the subscriber doing anything.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("push", function (event) {
  var p = {};
  try {
    p = event.data ? event.data.json() : {};
  } catch (e) {
    p = { title: event.data ? event.data.text() : "" };
  }
  var options = {
    body: p.body || "",
    lang: p.lang || "",
    dir: p.dir === "rtl" ? "rtl" : "ltr",
    data: { url: p.url || "/alerts", code: p.code || "", tag: p.tag || "" },
    requireInteraction: p.urgency === "high"
  };
  if (p.tag) {
    // One notification per warning: an update replaces the earlier one and alerts again.
    options.tag = p.tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(p.title || "Taawun", options).then(function () {
    if (!p.code) { return undefined; }
    // A subscription code: hand it to the subscription page if it is open, which confirms.
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
      clients.forEach(function (c) { c.postMessage({ tag: p.tag, code: p.code }); });
    });
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var data = event.notification.data || {};
  var url = new URL(data.url || "/alerts", self.location.origin);
  if (url.origin !== self.location.origin) { return; }
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
    for (var i = 0; i < clients.length; i++) {
      if (clients[i].url === url.href && "focus" in clients[i]) { return clients[i].focus(); }
    }
    return self.clients.openWindow(url.href);
  }));
});

// The old subscription's endpoint names the subscriber to the node (it is a secret only this
// browser, its push service and the node know); without it there is no one to move.
self.addEventListener("pushsubscriptionchange", function (event) {
  var old = event.oldSubscription;
  if (!old) { return; }
  var renewed = event.newSubscription ? Promise.resolve(event.newSubscription)
    : self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: old.options.applicationServerKey });
  event.waitUntil(renewed.then(function (sub) {
    var j = sub.toJSON();
    return fetch("/api/v1/push/renew", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ old_endpoint: old.endpoint, endpoint: j.endpoint, keys: { p256dh: j.keys.p256dh, auth: j.keys.auth } })
    });
  }));
});
