// Nothing typed is lost:
// - a warning before the idle timeout, with a button that keeps the session;
// - what a form[data-keep] holds is kept in this tab (sessionStorage) when it is sent; if the session had
//   expired (the save landed on the sign-in page), it is put back on the same form after signing in;
//   nothing unauthenticated is stored on the server, and files must be chosen again (the page says so);
// - what is kept belongs to the signed-in official (body[data-keep-owner]) and the form's path: it is
//   put back only into that official's form, dropped on the first page after the send reached the
//   server (a confirmation, a saved page), and at sign-out: on a shared office computer the next
//   official never sees it;
// - the browser checks each file's size and type before uploading it.
(function () {
  "use strict";
  var PREFIX = "nghean:kept:";
  var EXPIRED = "nghean:expired";
  var body = document.body;
  var owner = body.getAttribute("data-keep-owner") || "";
  var text = function (name) { return body.getAttribute("data-msg-" + name) || ""; };

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  // What was kept for a path: {owner, values}, or null (nothing, or an older shape without an owner).
  function keptAt(s, path) {
    try {
      var kept = JSON.parse(s.getItem(PREFIX + path));
      return kept && kept.owner && kept.values ? kept : null;
    } catch (e) { return null; }
  }

  function keptKeys(s) {
    var keys = [];
    for (var i = 0; i < s.length; i++) {
      if (s.key(i).indexOf(PREFIX) === 0) { keys.push(s.key(i)); }
    }
    return keys;
  }

  function forgetAll(s) {
    keptKeys(s).forEach(function (key) { s.removeItem(key); });
    s.removeItem(EXPIRED);
  }

  // On a signed-in page: only this official's form waiting to be put back stays; anything else was
  // either sent (the server answered with this page) or another official's.
  function sweep(s) {
    if (!owner) { return; }
    var waiting = s.getItem(EXPIRED);
    keptKeys(s).forEach(function (key) {
      var kept = keptAt(s, key.slice(PREFIX.length));
      if (!kept || kept.owner !== owner || key !== PREFIX + waiting) { s.removeItem(key); }
    });
    if (waiting && !s.getItem(PREFIX + waiting)) { s.removeItem(EXPIRED); }
  }

  function notice(message, where, kind) {
    var box = document.createElement("div");
    box.className = "notice notice-" + (kind || "info");
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    (where || document.getElementById("main")).prepend(box);
    return box;
  }

  // --- the values of a form, kept and put back ---------------------------------------------------
  function values(form) {
    var kept = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.name === "csrfmiddlewaretoken") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { kept.push([el.name, o.value]); });
        return;
      }
      kept.push([el.name, el.value]);
    });
    return kept;
  }

  function restore(form, kept) {
    var byName = {};
    kept.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.name === "csrfmiddlewaretoken") { return; }
      var got = byName[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!got && got.indexOf(el.value) !== -1;
      } else if (got) {
        el.value = got[0];
      }
    });
  }

  function keepForms() {
    var s = store();
    if (!s) { return; }
    var forms = document.querySelectorAll("form[data-keep]");
    Array.prototype.forEach.call(forms, function (form) {
      var path = window.location.pathname;
      var kept = keptAt(s, path);
      if (kept && owner && kept.owner === owner && s.getItem(EXPIRED) === path) {
        restore(form, kept.values);
        notice(text("restored"), null, "return");
      }
      s.removeItem(EXPIRED);
      s.removeItem(PREFIX + path); // the last send reached the server (or has just been put back)
      if (!owner) { return; }
      form.addEventListener("submit", function () {
        s.setItem(PREFIX + path, JSON.stringify({ owner: owner, values: values(form) }));
      });
    });
  }

  function onSignOut() {
    var s = store();
    if (!s) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sign-out]"), function (form) {
      form.addEventListener("submit", function () { forgetAll(s); });
    });
  }

  // A form the server could not read (400: too many values) saved nothing: going back puts it back.
  function onRefusedPage() {
    var s = store();
    var refused = document.querySelector("[data-kept-refused]");
    if (!s || !refused) { return; }
    var path = refused.getAttribute("data-kept-refused");
    var kept = path ? keptAt(s, path) : null;
    if (kept && kept.owner === owner) { s.setItem(EXPIRED, path); }
  }

  function onSignInPage() {
    var s = store();
    var login = body.getAttribute("data-login-url");
    if (!s || !login || window.location.pathname !== login) { return; }
    var next = new URLSearchParams(window.location.search).get("next");
    var path = next && next.charAt(0) === "/" ? next.split("?")[0] : "";
    if (path && keptAt(s, path)) {
      s.setItem(EXPIRED, path);
      notice(text("expired-login"), null, "return");
    } else {
      forgetAll(s); // signed out, or come here on purpose: nothing of the last official waits
    }
  }

  // --- the warning before the idle timeout -------------------------------------------------------
  function idleWarning() {
    var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
    if (!idle) { return; }
    var before = Math.min(120, Math.floor(idle / 4));
    var timer = null;
    var box = null;
    function hide() { if (box) { box.remove(); box = null; } }
    function arm() {
      window.clearTimeout(timer);
      hide();
      timer = window.setTimeout(show, (idle - before) * 1000);
    }
    function show() {
      box = notice(text("warning"), null, "return");
      box.setAttribute("role", "alertdialog");
      box.id = "idle-warning";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "primary";
      button.textContent = text("stay");
      button.addEventListener("click", function () {
        // Not following redirects: an expired session answers with one, to the sign-in page.
        fetch(body.getAttribute("data-keepalive-url"), { credentials: "same-origin", redirect: "manual", headers: { "X-Requested-With": "fetch" } })
          .then(function (response) {
            if (response.ok) { arm(); return; }
            hide();
            notice(text("expired-now"), null, "return");
          });
      });
      box.appendChild(button);
      button.focus();
    }
    arm();
    window.nghean = window.nghean || {};
    window.nghean.showIdleWarning = show; // the browser tests call it instead of waiting 28 minutes
  }

  // --- files checked before they are uploaded ----------------------------------------------------
  function checkFiles() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-bytes]"), function (input) {
      input.addEventListener("change", function () {
        var max = parseInt(input.getAttribute("data-max-bytes"), 10);
        var allowed = (input.getAttribute("accept") || "").split(",").filter(function (a) { return a.charAt(0) === "."; });
        var problems = [];
        Array.prototype.forEach.call(input.files, function (file) {
          var dot = file.name.lastIndexOf(".");
          var ext = dot === -1 ? "" : file.name.slice(dot).toLowerCase();
          if (allowed.length && allowed.indexOf(ext) === -1) {
            problems.push(text("bad-type").replace("%(name)s", file.name));
          } else if (file.size > max) {
            problems.push(text("too-big").replace("%(name)s", file.name).replace("%(mb)s", String(Math.round(max / 1048576))));
          }
        });
        var old = input.parentNode.querySelectorAll(".error.client");
        Array.prototype.forEach.call(old, function (p) { p.remove(); });
        if (problems.length) {
          input.value = ""; // nothing refused is uploaded
          problems.forEach(function (message) {
            var p = document.createElement("p");
            p.className = "error client";
            p.setAttribute("role", "alert");
            p.textContent = message;
            input.insertAdjacentElement("afterend", p);
          });
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    onSignInPage();
    onRefusedPage();
    var s = store();
    if (s) { sweep(s); }
    keepForms();
    onSignOut();
    idleWarning();
    checkFiles();
  });
})();
