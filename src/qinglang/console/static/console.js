// qinglang console: one key per common action. Keys are ignored while typing in a field,
// except Enter in the reason field, which submits the action chosen by key.
(function () {
  "use strict";
  var pending = null;
  var keyChoice = { t: "take_down", p: "pass", e: "escalate", l: "disable_links", r: "restrict", s: "suspend", x: "close", b: "blacklist" };

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-href]")); }
  function move(step) {
    var list = rows(); if (!list.length) return;
    var i = list.findIndex(function (r) { return r.classList.contains("selected"); });
    if (i >= 0) list[i].classList.remove("selected");
    i = Math.max(0, Math.min(list.length - 1, i + step));
    list[i].classList.add("selected"); list[i].scrollIntoView({ block: "nearest" });
  }
  function choose(choice) {
    var button = document.querySelector('#decide-form button[data-choice="' + choice + '"]');
    var reason = document.getElementById("reason");
    if (!button || !reason) return;
    if (reason.value.trim().length < 2) {
      pending = choice; document.getElementById("reason-needed").hidden = false; reason.focus(); return;
    }
    button.click();
  }
  // a destructive form names its question in data-confirm; nothing is sent unless the person agrees
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var question = form.dataset ? form.dataset.confirm : null;
    var button = ev.submitter;
    if (button && button.dataset && button.dataset.confirm) question = button.dataset.confirm;
    if (question && !window.confirm(question)) ev.preventDefault();
  }, true);
  // c on the queue claims the selected row; with no row selected (or on a case page) the claim form
  function claimSelectedOrNext() {
    var row = document.querySelector("#queue tr.selected[data-case]");
    var rowForm = document.getElementById("claim-row-form");
    if (row && rowForm) { rowForm.action = "/console/cases/" + row.dataset.case + "/claim"; rowForm.submit(); return; }
    var claim = document.getElementById("claim-form"); if (claim) claim.submit();
  }
  document.addEventListener("click", function (ev) {
    // an image stays blurred and grey until the reviewer clicks it (or presses Enter on it); a second click hides it
    var guard = ev.target.closest ? ev.target.closest("button.reveal, img.guarded") : null;
    var img = guard && (guard.matches("img") ? guard : guard.querySelector("img.guarded"));
    if (!img) return;
    img.classList.toggle("revealed");
    var button = img.closest("button.reveal");
    if (button) button.setAttribute("aria-pressed", img.classList.contains("revealed") ? "true" : "false");
  });
  document.addEventListener("keydown", function (ev) {
    var target = ev.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (typing) {
      if (ev.key === "Enter" && target.id === "reason" && pending) { ev.preventDefault(); choose(pending); }
      // Enter in the decide form never submits its first button ("pass") by itself: pick the action by key
      else if (ev.key === "Enter" && (target.id === "reason" || target.id === "days")) ev.preventDefault();
      if (ev.key === "Escape") target.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "j") move(1);
    else if (ev.key === "k") move(-1);
    else if (ev.key === "Enter") { var sel = document.querySelector("#queue tr.selected"); if (sel) location.href = sel.dataset.href; }
    else if (ev.key === "c") { claimSelectedOrNext(); }
    else if (ev.key === "n") { var next = document.getElementById("next-case-form"); if (next) next.submit(); }
    else if (ev.key === "/") { var box = document.getElementById("header-search"); if (box) { ev.preventDefault(); box.focus(); } }
    else if (ev.key === "?") { var help = document.getElementById("help"); help.hidden = !help.hidden; }
    else if (ev.key === "Escape") { document.getElementById("help").hidden = true; }
    else if (keyChoice[ev.key]) { ev.preventDefault(); choose(keyChoice[ev.key]); }
  });
})();
