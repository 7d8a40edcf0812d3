// The idle logout, kept honest. The server ends a session after the role's idle time;
// typing counts as activity, so while someone types the page tells the server so (a
// keepalive, or an autosave). A minute before the end the page warns; "Tetap masuk"
// then keeps the page as it is. When the time is up, the page reloads so the server
// shows the login page. Without JavaScript the warning never shows and the form posts.
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) {
    return;
  }
  var idle = parseInt(box.dataset.idleSeconds, 10) * 1000;
  var warnBefore = Math.min(parseInt(box.dataset.warnSeconds || "60", 10) * 1000, idle);
  // How often, at most, typing is reported to the server.
  var reportEvery = Math.max(Math.min(60000, idle / 3), 1000);
  var form = box.querySelector("form");
  var lastContact = Date.now();
  var lastActivity = 0;
  var reporting = false;

  function contact() {
    lastContact = Date.now();
    box.hidden = true;
  }

  function keepAlive() {
    reporting = true;
    return window
      .fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
      .then(function (response) {
        if (response.status !== 204) {
          window.location.reload(); // the session had already ended
          return;
        }
        contact();
      })
      .catch(function () {})
      .then(function () {
        reporting = false;
      });
  }

  function activity() {
    lastActivity = Date.now();
  }

  ["input", "keydown", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, activity, { capture: true, passive: true });
  });
  document.addEventListener("amanah:server-contact", contact);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    activity();
    keepAlive();
  });

  window.setInterval(function () {
    var now = Date.now();
    var quiet = now - lastContact;
    if (lastActivity > lastContact && quiet >= reportEvery && !reporting) {
      keepAlive();
      return;
    }
    if (quiet >= idle + 2000) {
      window.location.reload();
    } else if (quiet >= idle - warnBefore && box.hidden) {
      document.dispatchEvent(new CustomEvent("amanah:before-timeout"));
      box.hidden = false;
    }
  }, 500);
})();
