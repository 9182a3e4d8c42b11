// The license number's help follows the chosen board: its options carry the form their numbers take
// (accounts.forms.BoardSelect), and the page without script already shows the board it was sent with.
document.querySelectorAll("[data-licence-fields]").forEach((fields) => {
  const board = fields.querySelector("select[name$='board']");
  const number = fields.querySelector("input[name$='number']");
  const help = number && document.getElementById(number.id + "_helptext");
  if (!board || !help) return;
  help.setAttribute("aria-live", "polite");
  board.addEventListener("change", () => {
    const chosen = board.options[board.selectedIndex];
    help.textContent = (chosen && chosen.dataset.numberHelp) || board.dataset.noBoardHelp;
  });
});
