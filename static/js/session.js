// The idle warning: a minute before the server would end an idle session, say so and
// offer to stay signed in; when the time is up, reload so the server shows the login page.
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) {
    return;
  }
  var idle = parseInt(box.dataset.idleSeconds, 10) * 1000;
  window.setTimeout(function () {
    box.hidden = false;
  }, Math.max(idle - 60000, 0));
  window.setTimeout(function () {
    window.location.reload();
  }, idle + 2000);
})();
