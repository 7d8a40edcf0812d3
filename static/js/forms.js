// A refused form: move the focus to the error summary at the top of the page, so a
// screen reader reads it and a phone shows it, whatever the length of the page.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
