// Geography imports: sends the chosen file as the form's content type with the layer's name and
// options in the query, shows upload progress, then reloads to list the new layer or shows the
// per-feature (GeoJSON) or per-row (CSV) errors. Nothing is imported when any are reported.
(function () {
  "use strict";
  var bar = document.getElementById("geo-progress");
  var status = document.getElementById("geo-status");
  var table = document.getElementById("geo-errors");
  if (!bar) { return; }

  function showErrors(list) {
    var tbody = table.querySelector("tbody");
    tbody.textContent = "";
    list.forEach(function (e) {
      var tr = tbody.insertRow();
      tr.insertCell().textContent = String(e.row);
      tr.insertCell().textContent = e.message;
    });
    table.hidden = list.length === 0;
  }

  function upload(form) {
    var file = form.elements.file.files[0];
    if (!file) { return; }
    var params = new URLSearchParams();
    ["name", "source", "code_property", "name_property"].forEach(function (k) {
      if (form.elements[k] && form.elements[k].value) { params.set(k, form.elements[k].value); }
    });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-import-url") + "?" + params.toString());
    xhr.setRequestHeader("Content-Type", form.getAttribute("data-type"));
    xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf.value);
    bar.hidden = false;
    bar.value = 0;
    showErrors([]);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
    xhr.onload = function () {
      bar.value = 100;
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { /* not JSON: use the status text */ }
      if (xhr.status === 201) {
        status.textContent = status.getAttribute("data-done") + " " + body.layer.name;
        window.location.reload();
        return;
      }
      status.textContent = (body.errors ? status.getAttribute("data-rejected") + " " : "") + (body.detail || xhr.statusText);
      showErrors(body.errors || []);
    };
    xhr.onerror = function () { status.textContent = xhr.statusText || "network error"; };
    xhr.send(file);
  }

  document.querySelectorAll("form.geo-import").forEach(function (form) {
    form.addEventListener("submit", function (ev) { ev.preventDefault(); upload(form); });
  });
}());
