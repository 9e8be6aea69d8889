// Print button of the collection calendar page (no inline script: a strict CSP stays possible).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
