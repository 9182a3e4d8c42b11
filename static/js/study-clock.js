// Study clock: while this lesson is visible and the reader has been active in the last few
// minutes, tell the server every so often that study goes on. The server credits only the time
// between heartbeats it accepts, so nothing here can earn more time than has passed. A last
// heartbeat goes when the page is hidden; showing it again sends a "resume" heartbeat, which
// restarts the server's clock without crediting the time spent away.
(function () {
  "use strict";

  var root = document.querySelector("[data-study-clock]");
  if (!root) {
    return;
  }
  var url = root.getAttribute("data-heartbeat-url");
  var intervalMs = Number(root.getAttribute("data-interval-seconds")) * 1000;
  var idleAfterMs = Number(root.getAttribute("data-idle-minutes")) * 60 * 1000;
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var lastActivity = Date.now();
  var timer = null;

  ["pointermove", "pointerdown", "keydown", "scroll", "wheel", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function showStudyTime(data) {
    var label = document.querySelector("[data-study-time]");
    if (label && data && typeof data.course_minutes === "number") {
      label.textContent = "Studied " + data.course_minutes + " of " + data.required_minutes + " minutes";
    }
  }

  function send(resuming) {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {
        "X-CSRFToken": csrfInput ? csrfInput.value : "",
        "Content-Type": "application/x-www-form-urlencoded"
      },
      body: resuming ? "resume=1" : ""
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(showStudyTime)
      .catch(function () { /* offline: the next heartbeat starts the clock again */ });
  }

  function isActive() {
    return Date.now() - lastActivity <= idleAfterMs;
  }

  function beat() {
    if (document.visibilityState === "visible" && isActive()) {
      send(false);
    }
  }

  function start() {
    if (timer === null) {
      send(true);
      timer = window.setInterval(beat, intervalMs);
    }
  }

  function stop() {
    if (timer !== null && isActive()) {
      send(false);
    }
    window.clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      start();
    } else {
      stop();
    }
  });
  if (document.visibilityState === "visible") {
    start();
  }
})();
