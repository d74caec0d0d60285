// Showroom counter helpers; every page works without this file.
// Scanner input: keep the scan box ready, F2/F3/F4 jump to scan, search and payment.
// Payment: show the total after discount and the change as the cashier types.
// Drawer counts: add up the notes and coins. Print buttons call the browser's print.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fr";
  var money = new Intl.NumberFormat(lang === "ar" ? "ar-MA" : lang + "-MA", {
    style: "currency", currency: "MAD"
  });

  function minor(text) {
    var cleaned = (text || "").replace(/[\s\u00a0]/g, "").replace(",", ".");
    if (!/^\d{0,9}(\.\d{0,2})?$/.test(cleaned) || cleaned === "" || cleaned === ".") return null;
    var parts = cleaned.split(".");
    return parseInt(parts[0] || "0", 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }
  function show(value) { return money.format(value / 100); }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-no-js-hint]").forEach(function (hint) { hint.hidden = true; });

  // A scanner types into whatever has the focus: give it to the scan box when nothing has it.
  var scanBox = document.getElementById("code");
  if (scanBox && (document.activeElement === document.body || !document.activeElement)) {
    scanBox.focus();
  }

  var keys = { F2: "code", F3: "pos-q", F4: "cash_tendered" };
  document.addEventListener("keydown", function (event) {
    var target = keys[event.key] && document.getElementById(keys[event.key]);
    if (target) {
      event.preventDefault();
      target.focus();
      if (target.select) target.select();
    }
  });

  document.querySelectorAll("[data-count-total]").forEach(function (fieldset) {
    var output = fieldset.querySelector("[data-count-output]");
    var form = fieldset.closest("form");
    var diffOutput = form && form.querySelector("[data-diff-output]");
    function update() {
      var total = 0;
      fieldset.querySelectorAll("[data-denomination]").forEach(function (input) {
        var n = parseInt(input.value, 10);
        if (n > 0) total += n * parseInt(input.dataset.denomination, 10);
      });
      output.textContent = show(total);
      if (diffOutput && form.dataset.expected) {
        var diff = total - parseInt(form.dataset.expected, 10);
        diffOutput.textContent = (diff > 0 ? "+" : "") + show(diff);
        diffOutput.className = "live-diff diff " + (diff < 0 ? "short" : diff > 0 ? "over" : "even");
      }
    }
    fieldset.addEventListener("input", update);
    update();
  });

  var pay = document.querySelector("[data-pay-form]");
  if (pay) {
    var subtotal = parseInt(pay.dataset.subtotal, 10) || 0;
    var totalOut = pay.querySelector("[data-total-output]");
    var changeOut = pay.querySelector("[data-change-output]");
    var update = function () {
      var discount = minor(pay.elements.discount.value) || 0;
      var total = Math.max(subtotal - discount, 0);
      var method = (pay.querySelector("input[name=method]:checked") || {}).value || "cash";
      pay.querySelectorAll("[data-for]").forEach(function (field) {
        field.hidden = field.dataset.for.split(" ").indexOf(method) < 0;
      });
      totalOut.textContent = show(total);
      var card = method === "mixed" ? minor(pay.elements.card_amount.value) || 0 : 0;
      var cash = minor(pay.elements.cash_tendered.value);
      if (method === "card_terminal" || cash === null) {
        changeOut.textContent = "—";
      } else {
        var change = cash - (total - card);
        changeOut.textContent = show(change);  // Intl puts the locale's own minus sign
      }
    };
    pay.addEventListener("input", update);
    pay.addEventListener("change", update);
    update();
  }
})();
