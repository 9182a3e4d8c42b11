// Quiz attempt: save the answers whenever one changes, so that a dropped connection or a closed
// tab loses nothing, confirm a submission with questions unanswered, and count down to the
// deadline. The server keeps its own clock and grades a late submission as of the deadline; the
// countdown is only a courtesy.
(function () {
  "use strict";

  var form = document.querySelector("form[data-save-url]");
  if (!form) {
    return;
  }
  var status = form.querySelector("[data-save-status]");
  var timer = null;
  var saving = false;
  var changedWhileSaving = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // One save at a time, each sending the whole form: a later change waits for the save in flight
  // and then goes, so an older set of answers never lands after a newer one.
  function save() {
    timer = null;
    if (saving) {
      changedWhileSaving = true;
      return;
    }
    saving = true;
    say("Saving…");
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: new FormData(form)
    }).then(function (response) {
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!isJson) {
        throw new Error("unexpected reply");
      }
      return response.json().then(function (data) {
        if (response.ok) {
          say("Answers saved at " + new Date(data.saved_at).toLocaleTimeString() + ".");
        } else {
          say(data.error || "Your answers could not be saved.");
        }
      });
    }, function () {
      say("Offline: your answers will be saved when the connection returns.");
      changedWhileSaving = true;
    }).catch(function () {
      say("Your answers could not be saved: reload the page to continue.");
    }).then(function () {
      saving = false;
      if (changedWhileSaving) {
        changedWhileSaving = false;
        timer = window.setTimeout(save, 2000);
      }
    });
  }

  function saveAfter(delay) {
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function () {
    saveAfter(400);
  });
  // A written answer can take many minutes before its field loses focus: save it while it is typed,
  // once the typing pauses.
  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea, input[type=text]")) {
      saveAfter(3000);
    }
  });

  // Asks once before grading an attempt with questions left unanswered; without the script, the
  // server grades whatever is submitted.
  function unansweredNumbers() {
    var numbers = [];
    form.querySelectorAll("fieldset.question").forEach(function (question) {
      var controls = question.querySelectorAll("input, select, textarea");
      if (!controls.length) {
        return;
      }
      var choices = question.querySelectorAll("input[type=radio], input[type=checkbox]");
      var chosen = question.querySelector("input[type=radio]:checked, input[type=checkbox]:checked");
      var empty = Array.prototype.some.call(question.querySelectorAll("select, textarea, input:not([type=radio]):not([type=checkbox])"), function (control) {
        return !control.value.trim();
      });
      if ((choices.length && !chosen) || empty) {
        numbers.push(question.id.replace("question-", ""));
      }
    });
    return numbers;
  }

  function listed(numbers) {
    if (numbers.length === 1) {
      return numbers[0];
    }
    return numbers.slice(0, -1).join(", ") + " and " + numbers[numbers.length - 1];
  }

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.hasAttribute("formaction")) {
      return;
    }
    var numbers = unansweredNumbers();
    if (!numbers.length) {
      return;
    }
    var question = numbers.length === 1 ? "Question " : "Questions ";
    var verb = numbers.length === 1 ? " is" : " are";
    var text = question + listed(numbers) + verb + " not answered in full, and an unanswered question scores nothing." +
      " Submit for grading anyway?";
    if (!window.confirm(text)) {
      event.preventDefault();
    }
  });

  var deadlineHolder = document.querySelector("[data-deadline]");
  var countdown = document.querySelector("[data-countdown]");
  if (deadlineHolder && countdown) {
    var deadline = new Date(deadlineHolder.getAttribute("data-deadline")).getTime();
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = left ? minutes + " min " + (seconds < 10 ? "0" : "") + seconds + " s left" : "Time is up.";
      if (left) {
        window.setTimeout(tick, 1000);
      }
    };
    tick();
  }
}());
