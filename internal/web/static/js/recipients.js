// Uploads a recipients CSV with a progress bar. The server imports rows as they arrive, so the
// upload's progress is the import's; at the end it shows the count or the per-row error report.
(function () {
  "use strict";
  var form = document.getElementById("import");
  if (!form) { return; }
  var bar = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  var errors = document.getElementById("import-errors");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var file = form.elements.file.files[0];
    if (!file) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-import-url"));
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf.value);
    bar.hidden = false;
    bar.value = 0;
    errors.hidden = true;
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
    xhr.onload = function () {
      bar.value = 100;
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (err) { status.textContent = xhr.statusText; return; }
      if (xhr.status === 200) {
        status.textContent = status.getAttribute("data-done") + " " + body.imported;
        return;
      }
      status.textContent = (body.result ? status.getAttribute("data-rejected") + " " : "") + (body.detail || xhr.statusText);
      var tbody = errors.querySelector("tbody");
      tbody.textContent = "";
      ((body.result && body.result.errors) || []).forEach(function (e) {
        var tr = document.createElement("tr");
        [e.row, e.column || "", e.message].forEach(function (v) {
          var td = document.createElement("td");
          td.textContent = String(v);
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      errors.hidden = tbody.children.length === 0;
    };
    xhr.onerror = function () { status.textContent = xhr.statusText || "network error"; };
    xhr.send(file);
  });
}());
