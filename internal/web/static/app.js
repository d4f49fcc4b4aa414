// certlab pages work without this script; it adds autosave (the answer
// form posted in the background), the server-synchronised countdown and
// exhibit tabs.
(function () {
  "use strict";

  function csrf(form) {
    var f = form.querySelector("input[name=csrf_token]");
    return f ? f.value : "";
  }

  function autosave(form) {
    var status = document.getElementById("save-status");
    var seqField = form.querySelector("input[name=seq]");
    var pending = null;
    function save() {
      var seq = parseInt(seqField.value, 10);
      // The next save, and the form if it is posted, must carry a higher number.
      seqField.value = String(seq + 1);
      // The server reads the form exactly as it reads a posted page, so
      // this script needs to know nothing of item kinds.
      var body = new URLSearchParams(new FormData(form));
      body.set("seq", String(seq));
      status.textContent = "Saving…";
      fetch(form.dataset.autosave || "/attempts/" + form.dataset.attempt + "/autosave", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf(form) }, body: body
      }).then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) { throw new Error(j && j.error ? j.error.message : "HTTP " + r.status); }
          status.textContent = "Saved at " + new Date().toLocaleTimeString() + ".";
          form.dataset.saved = String(j.seq);
        });
      }).catch(function (e) {
        status.textContent = "Not saved: " + e.message;
      });
    }
    form.addEventListener("change", function () {
      clearTimeout(pending);
      pending = setTimeout(save, 250);
    });
  }

  function countdown(el) {
    var left = parseInt(el.dataset.secondsLeft, 10);
    var shown = el.querySelector(".left");
    var deadline = Date.now() + left * 1000;
    function fmt(s) {
      s = Math.max(0, Math.floor(s));
      var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
      var mm = (h ? String(m).padStart(2, "0") : String(m)), xx = String(x).padStart(2, "0");
      return h ? h + ":" + mm + ":" + xx : mm + ":" + xx;
    }
    function tick() {
      var s = (deadline - Date.now()) / 1000;
      shown.textContent = fmt(s);
      el.classList.toggle("low", s < 300);
      if (s <= 0) { window.location.reload(); return; }
    }
    function sync() {
      fetch("/api/v1/attempts/" + el.dataset.attempt, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) { return; }
          if (j.status !== "started") { window.location.reload(); return; }
          if (typeof j.seconds_left === "number") { deadline = Date.now() + j.seconds_left * 1000; tick(); }
        }).catch(function () {});
    }
    tick();
    setInterval(tick, 1000);
    if (el.dataset.attempt === "0") { return; } // the exam sandbox: no attempt on the server to sync with
    setInterval(sync, 30000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { sync(); } });
  }

  function tabs(box) {
    var links = box.querySelectorAll(".tablist a"), panels = box.querySelectorAll(".tabpanel");
    if (!links.length) { return; }
    box.querySelector(".tablist").setAttribute("role", "tablist");
    box.querySelectorAll(".tablist > li").forEach(function (li) { li.setAttribute("role", "presentation"); });
    function show(i, focus) {
      links.forEach(function (a, j) {
        a.setAttribute("aria-selected", String(i === j));
        a.tabIndex = i === j ? 0 : -1;
        panels[j].hidden = i !== j;
      });
      if (focus) { links[i].focus(); }
    }
    links.forEach(function (a, i) {
      // The list items only hold the tabs: tablist > tab for assistive tech.
      if (a.parentElement.tagName === "LI") { a.parentElement.setAttribute("role", "presentation"); }
      a.setAttribute("role", "tab");
      a.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      a.addEventListener("click", function (e) { e.preventDefault(); show(i, false); });
      a.addEventListener("keydown", function (e) {
        if (e.key === "ArrowRight") { show((i + 1) % links.length, true); }
        if (e.key === "ArrowLeft") { show((i - 1 + links.length) % links.length, true); }
      });
    });
    show(0, false);
  }

  // waitForResume polls a paused attempt and reloads the page as soon as
  // the proctor resumes it (the page also refreshes itself without this).
  function waitForResume(el) {
    function poll() {
      fetch("/api/v1/attempts/" + el.dataset.attempt, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (j && j.status !== "paused") { window.location.reload(); }
        }).catch(function () {});
    }
    setInterval(poll, 3000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var paused = document.getElementById("paused");
    if (paused) { waitForResume(paused); }
    var form = document.getElementById("answer-form");
    if (form && form.dataset.mode !== "practice") { autosave(form); }
    var timer = document.getElementById("timer");
    if (timer) { countdown(timer); }
    document.querySelectorAll("[data-tabs]").forEach(tabs);
    var fb = document.getElementById("feedback");
    if (fb && window.location.hash === "#feedback") { fb.focus(); }
  });
})();
