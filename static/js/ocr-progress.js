/* ecabinet: the OCR progress of scanned materials on the agenda, kept current without a reload.
 *
 * Each badge of a recognition under way, <span class="ocr-badge" data-ocr-status="pending|running"
 * data-state-url="/api/v1/materials/…" data-label-progress="… {done}/{total} …" data-label-done="…"
 * data-label-failed="…">, asks the material's state again every few seconds (the same API and the same
 * permission check as every other read of it) and shows the pages done, then the OCR badge or the failure.
 */
(function () {
  "use strict";

  var POLL_MS = 5000;
  var badges = document.querySelectorAll(".ocr-badge[data-state-url]");
  if (!badges.length || !window.fetch) {
    return;
  }

  function show(badge, version) {
    badge.setAttribute("data-ocr-status", version.ocr_status);
    if (version.ocr_status === "pending" || version.ocr_status === "running") {
      badge.textContent = badge.getAttribute("data-label-progress")
        .replace("{done}", String(version.ocr_pages_done)).replace("{total}", String(version.ocr_pages_total));
      return true;
    }
    if (version.ocr_status === "done") {
      badge.className = "badge text-bg-light border material-badge ocr-badge";
      badge.title = badge.getAttribute("data-label-done");
      badge.textContent = "OCR";
    } else {
      badge.className = "badge text-bg-warning material-badge ocr-badge";
      badge.textContent = badge.getAttribute("data-label-failed");
    }
    return false;
  }

  function poll(badge) {
    window.fetch(badge.getAttribute("data-state-url"), {headers: {Accept: "application/json"},
                                                         credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (material) {
        var versions = material && material.versions;
        if (versions && versions.length && show(badge, versions[versions.length - 1])) {
          window.setTimeout(poll, POLL_MS, badge);
        }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 6, badge); });
  }

  Array.prototype.forEach.call(badges, function (badge) {
    window.setTimeout(poll, POLL_MS, badge);
  });
})();
