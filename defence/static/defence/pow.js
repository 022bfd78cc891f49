// Solves the server's proof-of-work challenge (ALTCHA-style) for forms marked
// data-pow, so people skip the stricter limits that apply without it. Forms
// work without this script; it only fills in the form's hidden proof field.
//
// The challenge is made for this network and the email address's domain (the
// work rises only for sources that flood), so the search starts once the email
// is filled in, in Web Workers (pow-worker.js, one per core up to four) while the
// person finishes the form. If they press the button first, a status line says
// in words what is happening; after MAX_WAIT the form goes without the proof.
(function () {
  "use strict";
  var script = document.currentScript;
  var forms = document.querySelectorAll("form[data-pow]");
  if (!forms.length || !script || !window.Worker || !window.fetch || !window.Promise) return;
  var WORKER_URL = script.getAttribute("data-worker");
  var WORKERS = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4));
  var MAX_WAIT = 8000;

  // Search [0, maxnumber] in slices, one per worker; resolves with the number, or null.
  // control.stop() ends the search early (the email changed: a new challenge is needed).
  function solve(c, onProgress, control) {
    return new Promise(function (resolve) {
      var workers = [], tried = [], left = WORKERS, size = Math.ceil((c.maxnumber + 1) / WORKERS);
      function stop(result) {
        workers.forEach(function (worker) { worker.terminate(); });
        workers = [];
        resolve(result);
      }
      control.stop = function () { stop(null); };
      for (var i = 0; i < WORKERS; i++) {
        var worker = new Worker(WORKER_URL);
        workers.push(worker);
        tried.push(0);
        worker.onmessage = (function (index) {
          return function (event) {
            var data = event.data;
            if (data.tried) {
              tried[index] = data.tried;
              if (onProgress) onProgress(tried.reduce(function (a, b) { return a + b; }, 0) / (c.maxnumber + 1));
            } else if (data.number >= 0) {
              stop(data.number);
            } else if (--left === 0) {
              stop(null);
            }
          };
        })(i);
        worker.onerror = function () { stop(null); };
        worker.postMessage({ salt: c.salt, challenge: c.challenge, start: i * size, end: Math.min(c.maxnumber, (i + 1) * size - 1) });
      }
    });
  }

  function domainOf(form) {
    var email = form.querySelector("input[type=email]");
    var value = email ? email.value.trim().toLowerCase() : "";
    return value.indexOf("@") > 0 ? value.slice(value.lastIndexOf("@") + 1) : "";
  }

  function setUp(form) {
    // The field Django rendered: "pow", or "org-pow" on a form with a prefix.
    var input = form.querySelector("input[name=pow], input[name$='-pow']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "pow";
      form.appendChild(input);
    }
    input.value = "";  // a form sent back with errors carries the proof it already spent
    var button = form.querySelector("[type=submit]");
    var status = document.createElement("p");
    status.className = "help pow-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    (button ? button.parentNode : form).insertBefore(status, button ? button.nextSibling : null);

    var job = null;  // {domain, done: Promise, messages, progress, control}
    var waiting = false;

    function say(text) { if (status.textContent !== text) status.textContent = text; }
    function showProgress() {
      if (!waiting || !job || !job.messages) return;
      var percent = Math.min(99, Math.round(job.progress * 100));
      say(job.messages.working.replace("%(percent)s", percent).replace("%%", "%"));
    }

    function start() {
      var domain = domainOf(form);
      if (job && job.domain === domain) return job;
      if (job) {
        job.control.cancelled = true;
        job.control.stop();
      }
      input.value = "";
      var url = new URL(form.getAttribute("data-pow"), location.href);
      if (domain) url.searchParams.set("domain", domain);
      var current = { domain: domain, messages: null, progress: 0, began: performance.now(), control: { cancelled: false, stop: function () {} } };
      current.done = fetch(url.toString(), { credentials: "omit", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (c) {
          if (!c || current.control.cancelled) return null;
          current.messages = c.messages;
          showProgress();
          return solve(c, function (share) {
            current.progress = share;
            showProgress();
          }, current.control).then(function (number) {
            if (number === null || job !== current) return null;
            var payload = btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: number, salt: c.salt, signature: c.signature }));
            input.value = payload;
            form.dispatchEvent(new CustomEvent("pow:solved", { detail: { ms: performance.now() - current.began, maxnumber: c.maxnumber } }));
            return payload;
          });
        })
        .catch(function () { return null; });
      job = current;
      return job;
    }

    // Start once the email address is known: the challenge depends on its domain.
    var email = form.querySelector("input[type=email]");
    if (email) {
      email.addEventListener("change", start);
      form.addEventListener("focusin", function () { if (domainOf(form)) start(); }, { once: true });
    } else {
      form.addEventListener("focusin", start, { once: true });
    }

    // Back to this page from the next one: the form is usable again.
    window.addEventListener("pageshow", function () {
      waiting = false;
      if (button) button.disabled = false;
      say("");
    });

    form.addEventListener("submit", function (event) {
      if (input.value && job && job.domain === domainOf(form)) return;
      event.preventDefault();
      if (waiting) return;
      waiting = true;
      if (button) button.disabled = true;
      var current = start();
      showProgress();
      var send = function () {
        if (!waiting) return;
        waiting = false;
        if (current.messages) say(current.messages.sending);
        form.submit();
      };
      current.done.then(send);
      setTimeout(send, MAX_WAIT);  // never keep a person waiting: the form also works without the proof
    });
  }

  forms.forEach(setUp);
})();
