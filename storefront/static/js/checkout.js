// Checkout: when the delivery or the country changes, ask the server for the new total
// (the same request as the "Update the total" button) and show it without reloading.
// Without this script the button does the same with a full page.
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var button = form.querySelector("button.update-total");
  var pending = null;

  function refresh() {
    var data = new FormData(form);
    data.append("update_total", "1");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var box = document.getElementById("checkout-total");
    box.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", signal: pending.signal,
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("checkout-total");
      if (fresh) { box.innerHTML = fresh.innerHTML; }
      box.removeAttribute("aria-busy");
    }).catch(function (error) {
      if (error.name === "AbortError") { return; }
      box.removeAttribute("aria-busy");
      if (button) { button.hidden = false; }  // fall back to the button
    });
  }

  if (button) { button.hidden = true; }
  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (name === "delivery" || name === "country") { refresh(); }
  });
})();
