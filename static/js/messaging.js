// A conversation stays live without a reload: every few seconds the page asks whether
// anything changed (the server answers 204, at the cost of one query, when nothing did)
// and, when something did, replaces the thread with the newest page it sends back.
// The poll does not count as activity: the idle logout still ends an unattended page.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  if (!thread || !thread.dataset.poll || window.location.search.indexOf("before=") !== -1) {
    return;
  }
  var EVERY_MS = 5000;
  var busy = false;

  function poll() {
    if (busy || document.visibilityState === "hidden") {
      return;
    }
    busy = true;
    window
      .fetch(thread.dataset.poll + "?v=" + encodeURIComponent(thread.dataset.version), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-Amanah-Poll": "1" },
      })
      .then(function (response) {
        if (response.status === 204) {
          return null;
        }
        var version = response.headers.get("X-Conversation-Version");
        if (!response.ok || version === null) {
          return null; // signed out or gone: the next page load shows why
        }
        return response.text().then(function (html) {
          thread.innerHTML = html;
          thread.dataset.version = version;
        });
      })
      .catch(function () {})
      .then(function () {
        busy = false;
      });
  }

  window.setInterval(poll, EVERY_MS);
})();
