/*
 * ops.js sends the operations pages' forms to the JSON API, so that every action a page offers
 * is an API call anyone can script. A form opts in with data-api (the URL; {id} is not filled
 * in here, the server writes the full URL) and optionally data-method (default POST) and
 * data-next (where to go on success; {id} becomes the created record's id; default: reload).
 *
 * Field names build the JSON body:
 *   a.b.c             nested objects ("data.capacity" → {data: {capacity: …}}); a numeric
 *                     segment makes an array ("lines.0.item_id" → {lines: [{item_id: …}]})
 *   data-type="int"   a whole number; "list" collects checked boxes or a multiple select into an
 *                     array; "csv" splits text at commas; "json" parses the text as JSON;
 *                     "bool" turns "true"/"false" into a boolean
 *   type=datetime-local  read as UTC and sent as RFC 3339
 *   lon + lat         become a GeoJSON Point in "geometry" (or "<prefix>.geometry" for
 *                     "<prefix>.lon"), unless both are empty
 *   type=file         every chosen file as {name, content_base64} in an array
 * Empty fields are left out. Errors (problem+json) are shown in the form's .form-error element.
 * No inline handlers or eval: works under script-src 'self'.
 */
(function () {
  "use strict";

  function csrfToken(form) {
    var el = form.querySelector('input[name="csrf"]') || document.querySelector('input[name="csrf"]');
    return el ? el.value : "";
  }

  // setPath sets obj's value at a dotted path; a numeric segment makes an array element.
  function setPath(obj, path, value) {
    var parts = path.split(".");
    var o = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      if (typeof o[parts[i]] !== "object" || o[parts[i]] === null) { o[parts[i]] = /^\d+$/.test(parts[i + 1]) ? [] : {}; }
      o = o[parts[i]];
    }
    o[parts[parts.length - 1]] = value;
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () {
        var s = String(r.result);
        resolve({ name: file.name, content_base64: s.slice(s.indexOf(",") + 1) });
      };
      r.onerror = function () { reject(r.error); };
      r.readAsDataURL(file);
    });
  }

  // body builds the JSON body of a form; it returns a promise because files are read async.
  function body(form) {
    var out = {};
    var lists = {};
    var points = {};
    var files = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      var name = el.name;
      if (!name || name === "csrf" || name.charAt(0) === "_" || el.disabled) { return; }
      var type = el.getAttribute("data-type") || "";
      if (el.type === "file") {
        Array.prototype.forEach.call(el.files, function (f) { files.push({ name: name, file: f }); });
        return;
      }
      if (type === "list") {
        lists[name] = lists[name] || [];
        if (el.type === "checkbox") {
          if (el.checked) { lists[name].push(el.value); }
        } else if (el.multiple) {
          Array.prototype.forEach.call(el.selectedOptions, function (o) { lists[name].push(o.value); });
        }
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      var v = el.value;
      if (v === "") { return; }
      var last = name.split(".").pop();
      if (last === "lon" || last === "lat") {
        var prefix = name.slice(0, name.length - last.length);
        points[prefix] = points[prefix] || {};
        points[prefix][last] = Number(v);
        return;
      }
      if (type === "int") { v = Number(v); }
      if (type === "bool") { v = v === "true"; }
      if (type === "csv") { v = v.split(",").map(function (s) { return s.trim(); }).filter(Boolean); }
      if (type === "json") { v = JSON.parse(v); }
      if (el.type === "datetime-local") { v = (v.length === 16 ? v + ":00" : v) + "Z"; }
      setPath(out, name, v);
    });
    Object.keys(lists).forEach(function (k) { if (lists[k].length) { setPath(out, k, lists[k]); } });
    Object.keys(points).forEach(function (prefix) {
      var p = points[prefix];
      if (p.lon !== undefined && p.lat !== undefined) {
        setPath(out, prefix + "geometry", { type: "Point", coordinates: [p.lon, p.lat] });
      }
    });
    return Promise.all(files.map(function (f) { return readFile(f.file).then(function (a) { return { name: f.name, a: a }; }); }))
      .then(function (read) {
        read.forEach(function (r) {
          var cur = out[r.name] || [];
          cur.push(r.a);
          setPath(out, r.name, cur);
        });
        return out;
      });
  }

  function showError(form, text) {
    var el = form.querySelector(".form-error");
    if (!el) {
      el = document.createElement("p");
      el.className = "msg error form-error";
      el.setAttribute("role", "alert");
      form.appendChild(el);
    }
    el.textContent = text;
    el.hidden = !text;
  }

  function submit(ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute("data-api")) { return; }
    ev.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.disabled = true; }
    showError(form, "");
    body(form).then(function (data) {
      return fetch(form.getAttribute("data-api"), {
        method: form.getAttribute("data-method") || "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(form) },
        body: JSON.stringify(data)
      });
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = {};
        try { json = JSON.parse(text); } catch (e) { json = { detail: text }; }
        if (!res.ok) { throw new Error((json.field ? json.field + ": " : "") + (json.detail || res.statusText)); }
        return json;
      });
    }).then(function (json) {
      form.setAttribute("data-done", "true");
      var next = form.getAttribute("data-next");
      if (next) {
        location.assign(next.replace("{id}", encodeURIComponent(json.id || "")));
      } else {
        location.reload();
      }
    }).catch(function (err) {
      if (button) { button.disabled = false; }
      showError(form, err.message);
    });
  }

  // Matches: a button with data-matches fetches suggestions for a request into its target list.
  function matches(ev) {
    var btn = ev.target.closest ? ev.target.closest("button[data-matches]") : null;
    if (!btn) { return; }
    ev.preventDefault();
    var list = document.getElementById(btn.getAttribute("data-target"));
    fetch(btn.getAttribute("data-matches"), { credentials: "same-origin" }).then(function (res) { return res.json(); })
      .then(function (json) {
        list.textContent = "";
        (json.matches || []).forEach(function (m) {
          var li = document.createElement("li");
          li.setAttribute("dir", "auto");
          var km = m.distance_km >= 0 ? " · " + m.distance_km + " km" : "";
          li.textContent = btn.getAttribute("data-label-" + m.kind) + ": " + m.title + " · " + m.available +
            (m.covers ? " ✓" : "") + km;
          list.appendChild(li);
        });
        if (!list.children.length) {
          var none = document.createElement("li");
          none.className = "muted";
          none.textContent = btn.getAttribute("data-none");
          list.appendChild(none);
        }
        list.setAttribute("data-matches-shown", String((json.matches || []).length));
      });
  }

  document.addEventListener("submit", submit);
  document.addEventListener("click", matches);
}());
