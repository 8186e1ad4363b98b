/* zflar: the little JavaScript the pages use. Everything works without it. */
(function () {
  "use strict";

  // Tell the server our time zone so it renders timestamps in it (planner.middleware reads the cookie).
  try {
    // IANA names are letters, digits, "/", "_", "+" and "-": safe in a cookie as they are
    // (the server reads the raw value, so it must not be URL-encoded).
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && /^[A-Za-z0-9_+\/-]+$/.test(tz) && document.cookie.indexOf("zflar_tz=" + tz) === -1) {
      document.cookie = "zflar_tz=" + tz + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: stay in UTC */ }

  // Copy buttons: copy the text of the <pre> next to the button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      var pre = button.parentElement.querySelector("pre");
      if (!pre) return;
      var text = pre.innerText;
      var done = function () {
        button.classList.add("done");
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var area = document.createElement("textarea");
        area.value = text; document.body.appendChild(area); area.select();
        try { document.execCommand("copy"); done(); } finally { document.body.removeChild(area); }
      }
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  });

  // Drag and drop onto the upload form's drop zone.
  function setupDropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-dropzone-list]");
    if (!input) return;
    var show = function () {
      if (!list) return;
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KiB)";
        list.appendChild(li);
      });
    };
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dropzone]").forEach(setupDropzone);
  });

  // The job page's live block carries its ETag (data-etag, the same as the response's ETag header):
  // each poll sends it as If-None-Match, and the server answers 304 with no body while nothing the
  // block shows has changed.  htmx 2 swaps every 2xx and 3xx answer in, so a 304's empty body would
  // wipe the block: it is not swapped, and the block (with its tag and its polling) stays as it is.
  // A changed block comes back 200 with the new tag in its markup; the swap brings both in.
  document.addEventListener("htmx:configRequest", function (event) {
    var tag = event.detail.elt.getAttribute("data-etag");
    if (tag) event.detail.headers["If-None-Match"] = tag;
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 304) event.detail.shouldSwap = false;
  });

  // The job page's event log: the live block is swapped every second, which would reset the log's
  // scroll position.  Follow the newest events while the reader is at the bottom (where it starts),
  // and keep the reader's place when they scrolled up.
  var logPlace = null;
  function jobLog() { return document.getElementById("job-events"); }
  document.addEventListener("htmx:beforeSwap", function () {
    var log = jobLog();
    logPlace = log ? { top: log.scrollTop, bottom: log.scrollTop + log.clientHeight >= log.scrollHeight - 4 } : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var log = jobLog();
    if (!log) return;
    log.scrollTop = !logPlace || logPlace.bottom ? log.scrollHeight : logPlace.top;
  });
  document.addEventListener("DOMContentLoaded", function () {
    var log = jobLog();
    if (log) log.scrollTop = log.scrollHeight;
  });

  // Keep an open matrix popover inside the viewport: shift it left (or right) by what sticks out,
  // so it neither widens the page nor gets cut off at the window's edge (issue #13).
  var POP_MARGIN = 8;
  function placePop(d) {
    var body = d.querySelector(".pop-body");
    if (!body) return;
    body.style.left = ""; body.style.right = "";
    var width = document.documentElement.clientWidth;
    var box = body.getBoundingClientRect();
    var shift = 0;
    if (box.right > width - POP_MARGIN) shift = (width - POP_MARGIN) - box.right;
    if (box.left + shift < POP_MARGIN) shift = POP_MARGIN - box.left;
    if (shift) { body.style.left = (body.offsetLeft + shift) + "px"; body.style.right = "auto"; }
  }
  window.addEventListener("resize", function () {
    document.querySelectorAll("details.pop[open]").forEach(placePop);
  });

  // Close an open matrix popover when another opens or on Escape.
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.classList && d.classList.contains("pop") && d.open) {
      document.querySelectorAll("details.pop[open]").forEach(function (other) { if (other !== d) other.open = false; });
      placePop(d);
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.pop[open]").forEach(function (d) { d.open = false; d.querySelector("summary").focus(); });
    }
  });
})();
