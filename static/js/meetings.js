/* ecabinet: behaviours of the meeting pages. No inline script; everything is read from data- attributes.
 *
 * - Choosing a kind of meeting proposes the end time from the kind's usual length (data-minutes),
 *   unless the end time was typed by hand.
 * - <input data-filter-list="ID"> hides the [data-filter-text] rows of #ID that do not match.
 * - <button data-copy-target="ID"> copies the value of #ID (clipboard API, or selection as a fallback).
 * - In [data-role-fields="chair_id secretary_id"], the invitee boxes of the people chosen for those roles are
 *   unticked and disabled (they hold the meeting; the server refuses to invite them).
 */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function parseTime(text) {
    var match = /^\s*(\d{1,2})[:hH.](\d{2})\s*$/.exec(text || "");
    if (!match) {
      return null;
    }
    var hours = parseInt(match[1], 10);
    var minutes = parseInt(match[2], 10);
    return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
  }

  // --- the chair and the secretary are not invitees ----------------------------------------
  var inviteeList = document.querySelector("[data-role-fields]");
  if (inviteeList) {
    var roleFields = inviteeList.getAttribute("data-role-fields").split(" ").map(function (name) {
      return document.querySelector("select[name=" + name + "]");
    }).filter(Boolean);
    var excludeRoles = function () {
      var taken = roleFields.map(function (select) { return select.value; });
      inviteeList.querySelectorAll("input[name=invitee_ids]").forEach(function (box) {
        var holds = taken.indexOf(box.value) !== -1;
        box.disabled = holds;
        if (holds) {
          box.checked = false;
        }
      });
    };
    roleFields.forEach(function (select) { select.addEventListener("change", excludeRoles); });
    excludeRoles();
  }

  // --- end time from the kind's usual length ----------------------------------------------
  var kind = document.getElementById("kind_id");
  var start = document.getElementById("start_time");
  var end = document.getElementById("end_time");
  if (kind && start && end) {
    var proposed = end.value;
    var propose = function () {
      var option = kind.options[kind.selectedIndex];
      var minutes = option ? parseInt(option.getAttribute("data-minutes") || "", 10) : NaN;
      var begin = parseTime(start.value);
      if (isNaN(minutes) || begin === null || (end.value && end.value !== proposed)) {
        return;
      }
      var finish = Math.min(begin + minutes, 23 * 60 + 59);
      proposed = pad(Math.floor(finish / 60)) + ":" + pad(finish % 60);
      end.value = proposed;
    };
    kind.addEventListener("change", propose);
    start.addEventListener("input", propose);
  }

  // --- filtering long check lists --------------------------------------------------------------
  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }

  document.querySelectorAll("[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    if (!list) {
      return;
    }
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      list.querySelectorAll("[data-filter-text]").forEach(function (row) {
        var shown = !wanted || fold(row.getAttribute("data-filter-text")).indexOf(wanted) !== -1;
        row.classList.toggle("d-none", !shown);
      });
    });
  });

  // --- copy buttons ------------------------------------------------------------------------------
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) {
        return;
      }
      var done = function () {
        var label = button.querySelector("span");
        if (label) {
          label.textContent = button.getAttribute("data-copied-label") || label.textContent;
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          field.select();
        });
        return;
      }
      field.focus();
      field.select();
      try {
        if (document.execCommand("copy")) {
          done();
        }
      } catch (err) {
        // the address stays selected: the user copies it by hand
      }
    });
  });
})();
