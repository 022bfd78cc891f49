// Solves the server's proof-of-work challenge (ALTCHA-style) for forms marked
// data-pow, so people skip the stricter limits that apply without it. Forms
// work without this script; it only adds a hidden "pow" value.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-pow]");
  if (!forms.length || !window.crypto || !crypto.subtle || !window.fetch || !window.TextEncoder) return;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  async function solve(c) {
    var encoder = new TextEncoder();
    for (var n = 0; n <= c.maxnumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(c.salt + n));
      if (hex(digest) === c.challenge) return n;
    }
    return null;
  }

  async function prepare(form) {
    var response = await fetch(form.getAttribute("data-pow"), { credentials: "omit", cache: "no-store" });
    if (!response.ok) return;
    var c = await response.json();
    var number = await solve(c);
    if (number === null) return;
    var payload = btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: number, salt: c.salt, signature: c.signature }));
    var input = form.querySelector("input[name=pow]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "pow";
      form.appendChild(input);
    }
    input.value = payload;
  }

  forms.forEach(function (form) {
    var ready = null;
    var start = function () { if (!ready) ready = prepare(form).catch(function () {}); return ready; };
    // Start when the visitor begins to fill the form, so idle page views cost nothing.
    form.addEventListener("focusin", start, { once: true });
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[name=pow]");
      if (input && input.value) return;
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      start().then(function () { form.submit(); });
    });
  });
})();
