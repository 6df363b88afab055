// Curatore — progressive enhancement. Every page works without this file;
// with it: copy buttons, confirmations before destructive actions, the
// organization switcher submitting on change, and a fetch helper that sends
// the CSRF token. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  // curatoreFetch sends a same-origin request with the CSRF header.
  window.curatoreFetch = function (url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = options.headers || {};
    options.headers["X-CSRF-Token"] = csrf;
    return fetch(url, options);
  };

  // Copy buttons: data-copy="#id" copies that field's value.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var field = document.querySelector(btn.getAttribute("data-copy"));
    if (!field) return;
    var text = field.value || field.textContent;
    var done = function () {
      var old = btn.textContent;
      btn.textContent = "Copied";
      setTimeout(function () { btn.textContent = old; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { field.select(); });
    } else {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
    }
  });

  // Confirmations: forms with data-confirm ask first.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm") ||
      (ev.submitter && ev.submitter.getAttribute("data-confirm-click"));
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });

  // Uploads: a form with data-upload sends each chosen or dropped file in
  // its own request, with a progress bar per file. Without this script the
  // form posts every file at once and the page reloads.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector('input[type="file"]');
    var list = document.getElementById(form.getAttribute("data-upload"));
    var zone = form.querySelector(".dropzone") || form;
    var pending = 0;
    var uploadOne = function (file) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Upload of " + file.name);
      var note = document.createElement("span");
      note.className = "upload-note";
      li.append(name, bar, note);
      list.appendChild(li);
      var body = new FormData();
      body.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) bar.value = Math.round((ev.loaded / ev.total) * 100);
      };
      pending++;
      xhr.onloadend = function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status >= 200 && xhr.status < 300) {
          bar.value = 100;
          note.textContent = answer.message || "uploaded";
          li.className = "ok";
        } else {
          note.textContent = answer.error || ("upload failed (" + xhr.status + ")");
          li.className = "failed";
        }
        if (--pending === 0) {
          var done = document.createElement("a");
          done.href = window.location.pathname;
          done.textContent = "Show the updated list";
          done.className = "button secondary";
          list.after(done);
          done.focus();
        }
      };
      xhr.send(body);
    };
    var send = function (files) {
      for (var i = 0; i < files.length; i++) uploadOne(files[i]);
    };
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (ev) {
      ev.preventDefault();
      if (ev.dataTransfer && ev.dataTransfer.files.length) send(ev.dataTransfer.files);
    });
  });

  // Live progress: an element with data-events="URL" listens to Server-Sent
  // Events of jobs; each event updates the element [data-job="ID"]: its
  // <progress>, stage, ETA and status. When no job is active any more, the
  // page offers a reload.
  document.querySelectorAll("[data-events]").forEach(function (box) {
    if (!window.EventSource) return;
    var source = new EventSource(box.getAttribute("data-events"));
    var set = function (row, sel, text) {
      var el = row.querySelector(sel);
      if (el) el.textContent = text;
    };
    source.addEventListener("job", function (ev) {
      var j = JSON.parse(ev.data);
      document.querySelectorAll('[data-job="' + j.id + '"]').forEach(function (row) {
        var bar = row.querySelector("progress");
        if (bar) bar.value = Math.round((j.progress || 0) * 100);
        set(row, ".job-percent", Math.round((j.progress || 0) * 100) + " %");
        set(row, ".job-stage", j.stage || "");
        set(row, ".job-eta", j.eta || "");
        set(row, ".job-status", j.status);
        row.querySelectorAll(".job-status.badge").forEach(function (b) { b.className = "badge job-status st-" + j.status; });
        row.setAttribute("data-status", j.status);
        if (j.status !== "queued" && j.status !== "running") {
          row.querySelectorAll("[data-while-active]").forEach(function (el) { el.hidden = true; });
        }
      });
    });
    source.addEventListener("batch", function (ev) {
      var b = JSON.parse(ev.data);
      var bar = box.querySelector(".batch-progress");
      if (bar) bar.value = Math.round((b.progress || 0) * 100);
      set(box, ".batch-summary", b.summary || "");
    });
    source.addEventListener("done", function () {
      source.close();
      set(box, ".stream-state", "Finished. Reload the page for the results' actions.");
      document.querySelectorAll("[data-while-active]").forEach(function (el) { el.hidden = true; });
      box.setAttribute("data-finished", "true");
      // A task's page (an import, a sync) shows its summary after a reload.
      if (box.hasAttribute("data-reload-on-done")) window.location.reload();
    });
  });

  // Wide tables: a table wider than its box (on a phone) gets a visible
  // hint above it, shadows at the edges that hide columns (CSS), and focus
  // so the keyboard can scroll it.
  var hintTables = function () {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var wide = wrap.scrollWidth > wrap.clientWidth + 1;
      var hint = wrap.previousElementSibling;
      var has = hint && hint.classList.contains("scroll-hint");
      if (wide && !has) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = "This table is wider than the screen: scroll it sideways for more columns \u2192";
        wrap.before(hint);
      } else if (!wide && has) {
        hint.remove();
      }
      wrap.classList.toggle("scrolls", wide);
      if (wide) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  };
  hintTables();
  window.addEventListener("resize", hintTables);

  // Selection: a checkbox with data-select-all checks every box of its form.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var form = document.getElementById(all.getAttribute("data-select-all"));
      if (!form) return;
      form.querySelectorAll('input[type="checkbox"][name="id"]').forEach(function (cb) { cb.checked = all.checked; });
    });
  });
})();
