// A Print button on printable pages (receipts, statements); without JavaScript, Ctrl+P.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
