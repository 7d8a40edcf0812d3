// The red crisis banner on every counselor page: a poll every 15 seconds against a JSON
// endpoint that costs one query and decrypts nothing. The banner shows while a request
// waits for this counselor and hides when none does; no reload needed. A poll does not
// count as activity for the idle logout (the server ignores it there).
(function () {
  "use strict";
  var banner = document.getElementById("crisis-banner");
  if (!banner || !window.fetch) {
    return;
  }
  var url = banner.dataset.pollUrl;
  var text = banner.querySelector("[data-crisis-text]");
  var count = banner.querySelector("[data-crisis-count]");
  var seen = "";
  var every = parseInt(banner.dataset.pollSeconds || "15", 10) * 1000;

  function show(state) {
    if (state.waiting > 0) {
      text.textContent = text.dataset.crisisText;
      count.textContent = String(state.waiting);
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    seen = String(state.newest || "");
  }

  function poll() {
    window
      .fetch(url + "?seen=" + encodeURIComponent(seen), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("poll " + response.status);
        }
        return response.json();
      })
      .then(show)
      .catch(function () {})
      .then(function () {
        window.setTimeout(poll, every);
      });
  }

  poll();
})();
