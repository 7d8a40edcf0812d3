// The student's request page: its state (waiting, taken by whom, where to go) is polled
// every 10 seconds and written in place; without JavaScript, reloading shows the same.
(function () {
  "use strict";
  var box = document.getElementById("crisis-state");
  if (!box || !window.fetch) {
    return;
  }
  var text = box.querySelector("[data-state-text]");
  var where = box.querySelector("[data-state-where]");

  function poll() {
    window
      .fetch(box.dataset.pollUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("poll " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (text.textContent !== state.text) {
          text.textContent = state.text;
        }
        where.textContent = state.where || "";
        box.dataset.status = state.status;
        if (state.status === "taken") {
          box.classList.add("taken");
        }
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(poll, 10000);
      });
  }

  window.setTimeout(poll, 3000);
})();
