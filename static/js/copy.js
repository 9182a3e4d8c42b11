// Copy buttons: a button with data-copy puts that text on the clipboard and says so in its own
// status line. The buttons are hidden in the page and shown here only where the browser offers
// the Clipboard API, so nobody is given a button that does nothing; the link beside each stays.
(function () {
  "use strict";

  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(
        function () { if (status) { status.textContent = "Link copied."; } },
        function () { if (status) { status.textContent = "Could not copy: select the link and copy it instead."; } }
      );
    });
  });
})();
