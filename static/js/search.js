/* The search box of the top bar. "/" puts the cursor in the search box (the search page's own, or the top bar's),
 * unless one is typing in a field already. Where the screen is too narrow for the top bar's box, "/" opens the
 * search page, whose box takes the focus.
 */
(function () {
  "use strict";

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || target.closest("input, textarea, select") !== null);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        typing(event.target)) {
      return;
    }
    var box = document.getElementById("search-q") || document.getElementById("nav-search-q");
    if (!box) {
      return;
    }
    event.preventDefault();
    if (box.offsetParent === null) {
      box.form.submit();
      return;
    }
    box.focus();
    box.select();
  });
})();
