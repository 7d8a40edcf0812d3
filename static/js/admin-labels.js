// The admin site's search-as-you-type selects (select2) name themselves by their current
// value only, so a screen reader hears nothing for an empty one: add the field's label.
// select2 builds its boxes after the page has loaded, hence the observer.
(function () {
  "use strict";

  function label(select) {
    var shown = document.querySelector('[aria-labelledby="select2-' + select.id + '-container"]');
    var name = document.querySelector('label[for="' + select.id + '"]');
    if (!shown || !name) {
      return;
    }
    name.id = name.id || "label-" + select.id;
    shown.setAttribute("aria-labelledby", name.id + " select2-" + select.id + "-container");
    var rendered = document.getElementById("select2-" + select.id + "-container");
    if (rendered) {
      rendered.setAttribute("aria-labelledby", name.id);
    }
  }

  function labelAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(label);
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelAll();
    new MutationObserver(labelAll).observe(document.body, { childList: true, subtree: true });
  });
})();
