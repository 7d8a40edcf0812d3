// Drafts save themselves: a few seconds after typing stops, at least every few seconds
// while it goes on, and when the page is left. Each save goes to the same service as the
// "Simpan" button (encrypted, and written to the access log as a change), so saves are
// throttled: never more than one per SAVE_AFTER_MS of typing, and none if nothing changed.
// Without JavaScript the forms work as before.
(function () {
  "use strict";
  var SAVE_AFTER_MS = 4000; // quiet time after the last keystroke
  var SAVE_AT_LEAST_EVERY_MS = 15000; // while typing goes on

  function serialise(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") {
        parts.push(name + "=" + value);
      }
    });
    return parts.join("&");
  }

  function setUp(form) {
    var status = form.querySelector(".autosave-status");
    var lastSent = serialise(form);
    var timer = null;
    var firstUnsaved = null;
    var inFlight = null;

    function say(text) {
      if (status) {
        status.textContent = text;
        status.hidden = false;
      }
    }

    function adopt(result) {
      // The first save of a new note made it a draft: from now on every save, manual or
      // automatic, changes that draft instead of writing a second note.
      form.dataset.autosave = result.autosave_url;
      form.action = result.edit_url;
      var finalise = form.querySelector("[data-finalise]");
      if (finalise) {
        finalise.setAttribute("formaction", result.finalise_url);
      }
    }

    function save(leaving) {
      window.clearTimeout(timer);
      timer = null;
      firstUnsaved = null;
      var body = serialise(form);
      if (body === lastSent || inFlight) {
        return inFlight;
      }
      if (!leaving && status) {
        say(status.dataset.saving);
      }
      inFlight = window
        .fetch(form.dataset.autosave, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          keepalive: Boolean(leaving),
          headers: { Accept: "application/json", "X-Requested-With": "fetch" },
        })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            throw new Error("not saved"); // signed out: the login page answered
          }
          return response.json();
        })
        .then(function (result) {
          if (!result.saved) {
            throw new Error(result.error);
          }
          lastSent = body;
          adopt(result);
          say(status ? status.dataset.saved + " " + result.saved_at : "");
          document.dispatchEvent(new CustomEvent("amanah:server-contact"));
        })
        .catch(function () {
          if (status) {
            say(status.dataset.failed);
          }
        })
        .then(function () {
          inFlight = null;
          if (serialise(form) !== lastSent) {
            schedule();
          }
        });
      return inFlight;
    }

    function schedule() {
      var now = Date.now();
      if (firstUnsaved === null) {
        firstUnsaved = now;
      }
      window.clearTimeout(timer);
      var wait = Math.min(SAVE_AFTER_MS, Math.max(firstUnsaved + SAVE_AT_LEAST_EVERY_MS - now, 0));
      timer = window.setTimeout(save, wait);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (inFlight) {
        // Let the save under way finish first, so the form posts to the draft it made.
        event.preventDefault();
        var submitter = event.submitter;
        inFlight.then(function () {
          form.requestSubmit(submitter);
        });
        return;
      }
      lastSent = serialise(form); // this submit saves it
    });
    window.addEventListener("pagehide", function () {
      save(true);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save(true);
      }
    });
    document.addEventListener("amanah:before-timeout", function () {
      save(false);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), setUp);
})();
