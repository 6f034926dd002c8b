/* ecabinet: drag-and-drop ordering of the agenda (progressive enhancement of the up/down buttons).
 *
 * <ol id="agenda-list" data-order-url="…" data-csrf-token="…" data-error-label="…"> holds one
 * <li data-item-id> per item, each with a .drag-handle. Dragging a handle (mouse, pen or finger:
 * pointer events, so it works on tablets) moves the item; on release the new order is sent with
 * PUT {item_ids: […]} and the X-CSRFToken header, then the page is reloaded from the server.
 * Without this script the up/down buttons (plain POST forms) do the same.
 */
(function () {
  "use strict";

  var list = document.getElementById("agenda-list");
  if (!list || !list.getAttribute("data-order-url") || !window.fetch) {
    return;
  }
  var items = function () {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-item-id]"));
  };
  if (items().length < 2) {
    return;
  }
  var orderOf = function () {
    return items().map(function (li) { return parseInt(li.getAttribute("data-item-id"), 10); });
  };

  list.classList.add("is-sortable");
  list.querySelectorAll(".drag-handle").forEach(function (handle) { handle.classList.remove("d-none"); });
  var hint = document.getElementById("drag-hint");
  if (hint) {
    hint.classList.remove("d-none");
  }

  var dragging = null;
  var before = null;

  function save() {
    var order = orderOf();
    if (order.join(",") === before) {
      return;
    }
    list.classList.add("is-saving");
    fetch(list.getAttribute("data-order-url"), {
      method: "PUT",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": list.getAttribute("data-csrf-token") || ""},
      body: JSON.stringify({item_ids: order})
    }).then(function (response) {
      if (!response.ok) {
        window.alert(list.getAttribute("data-error-label") || "Error");
      }
      window.location.reload();
    }, function () {
      window.alert(list.getAttribute("data-error-label") || "Error");
      window.location.reload();
    });
  }

  function onMove(event) {
    if (!dragging) {
      return;
    }
    event.preventDefault();
    var target = document.elementFromPoint(event.clientX, event.clientY);
    var over = target && target.closest ? target.closest("#agenda-list > li[data-item-id]") : null;
    if (!over || over === dragging) {
      return;
    }
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragging, after ? over.nextSibling : over);
  }

  function onUp() {
    if (!dragging) {
      return;
    }
    dragging.classList.remove("is-dragging");
    dragging = null;
    document.removeEventListener("pointermove", onMove);
    document.removeEventListener("pointerup", onUp);
    document.removeEventListener("pointercancel", onUp);
    save();
  }

  list.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest ? event.target.closest(".drag-handle") : null;
    if (!handle || list.classList.contains("is-saving")) {
      return;
    }
    event.preventDefault();
    dragging = handle.closest("li[data-item-id]");
    before = orderOf().join(",");
    dragging.classList.add("is-dragging");
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("pointercancel", onUp);
  });
})();
