// Live SMS preview in the warning composer: for each language, the text an SMS would carry
// (headline and instruction), its length and the number of segments, GSM-7 (160, or 153 when
// concatenated) or UCS-2 (70, or 67) as the carrier will count them. The server's SMS encoder
// is authoritative; this mirrors its rules so officers see the cost while typing.
(function () {
  "use strict";
  var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var extended = "^{}\\[~]|€\f";
  function plan(text) {
    var gsm = true, units = 0, i, ch;
    for (i = 0; i < text.length; i++) {
      ch = text.charAt(i);
      if (basic.indexOf(ch) >= 0) { units += 1; } else if (extended.indexOf(ch) >= 0) { units += 2; } else { gsm = false; break; }
    }
    if (!gsm) { units = text.length; } // UTF-16 code units, as UCS-2 counts them
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var segments = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / multi));
    return { encoding: gsm ? "GSM-7" : "UCS-2", units: units, segments: segments };
  }
  document.querySelectorAll("[data-sms-lang]").forEach(function (fs) {
    var out = fs.querySelector("[data-sms-count]");
    var sources = fs.querySelectorAll("[data-sms-source]");
    function update() {
      var parts = [];
      sources.forEach(function (s) { if (s.value.trim() !== "") { parts.push(s.value.trim()); } });
      var p = plan(parts.join(" "));
      out.textContent = p.units === 0 ? "" : "SMS: " + p.units + " / " + p.encoding + " / " + p.segments;
      out.setAttribute("data-segments", String(p.segments));
      out.setAttribute("data-encoding", p.encoding);
    }
    sources.forEach(function (s) { s.addEventListener("input", update); });
    update();
  });
}());
