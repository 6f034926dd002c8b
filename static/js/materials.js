/* ecabinet: the agenda page's materials — the meeting pack with its progress, live "updated" marks,
 * and the reader picker shown only for confidential uploads.
 *
 * Texts come from data-label-* attributes written by the server, so they stay translated.
 */
(function () {
  "use strict";

  function label(element, name) {
    return element.getAttribute("data-label-" + name) || name;
  }

  /* --- the meeting pack: ask for it, follow its build, open it ------------------------------- */
  var packButton = document.getElementById("pack-button");
  var packStatus = document.getElementById("pack-status");

  function showPack(state) {
    var bar = document.getElementById("pack-progress");
    var message = document.getElementById("pack-message");
    packStatus.classList.remove("d-none");
    var percent = state.total ? Math.round(100 * state.progress / state.total) : 0;
    bar.style.width = percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(percent));
    if (state.ready) {
      message.textContent = "";
      var link = document.createElement("a");
      link.href = state.download_url;
      link.target = "_blank";
      link.rel = "noopener";
      link.id = "pack-download";
      link.textContent = label(packButton, "ready") + " (" + state.page_count + ")";
      message.appendChild(link);
    } else if (state.status === "failed") {
      bar.classList.add("bg-danger");
      message.textContent = label(packButton, "failed");
    } else {
      message.textContent = label(packButton, "building") + " " + percent + "%";
    }
  }

  function followPack() {
    fetch(packButton.getAttribute("data-state-url"), {credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 404) {
          packStatus.classList.remove("d-none");
          document.getElementById("pack-message").textContent = label(packButton, "empty");
          return null;
        }
        return response.json();
      })
      .then(function (state) {
        if (!state) {
          return;
        }
        showPack(state);
        if (!state.ready && state.status !== "failed") {
          window.setTimeout(followPack, 1500);
        } else {
          packButton.disabled = false;
        }
      })
      .catch(function () {
        packButton.disabled = false;
      });
  }

  if (packButton && packStatus) {
    packButton.addEventListener("click", function () {
      packButton.disabled = true;
      followPack();
    });
  }

  /* --- the reader picker: only for confidential uploads -------------------------------------- */
  document.querySelectorAll(".upload-form").forEach(function (form) {
    var select = form.querySelector("select[name=confidentiality]");
    var picker = form.querySelector(".reader-picker");
    if (!select || !picker) {
      return;
    }
    function toggle() {
      picker.classList.toggle("d-none", select.value !== "confidential");
    }
    select.addEventListener("change", toggle);
    toggle();
  });

  /* --- live marks: a material updated, new materials published -------------------------------- */
  var banner = document.getElementById("live-materials");
  if (!banner || typeof window.io !== "function") {
    return;
  }
  var meetingId = parseInt(banner.getAttribute("data-meeting-id"), 10);

  function announce(text) {
    banner.textContent = text + " ";
    var reload = document.createElement("a");
    reload.href = window.location.pathname;
    reload.textContent = label(banner, "reload");
    banner.appendChild(reload);
    banner.classList.remove("d-none");
  }

  function markUpdated(data) {
    var row = document.getElementById("material-" + data.material_id);
    if (row && !row.querySelector(".updated-badge")) {
      var badge = document.createElement("span");
      badge.className = "badge changed-badge updated-badge";
      badge.textContent = label(banner, "updated");
      var meta = row.querySelector(".material-meta");
      if (meta) {
        meta.insertBefore(badge, meta.children[2] || null);
      }
    }
    if (row) {
      row.classList.add("live-updated");
    }
    announce(label(banner, "changed").replace("%(title)s", data.title));
  }

  var socket = window.io({transports: ["websocket", "polling"]});
  socket.on("material_updated", function (data) {
    if (data.meeting_id === meetingId) {
      markUpdated(data);
    }
  });
  socket.on("materials_published", function (data) {
    if (data.meeting_id === meetingId) {
      announce(label(banner, "published"));
    }
  });
})();
