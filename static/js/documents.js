// Refresh the documents panel while a PDF is being prepared, without reloading the page.
(function () {
  "use strict";
  function schedule(panel) {
    if (!panel || !panel.hasAttribute("data-pending")) { return; }
    window.setTimeout(function () {
      fetch(panel.getAttribute("data-refresh-url"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#documents");
          if (fresh) { panel.replaceWith(fresh); if (window.nghean) { window.nghean.labelTables(fresh); } schedule(fresh); }
        })
        .catch(function () { schedule(panel); });
    }, 2000);
  }
  document.addEventListener("DOMContentLoaded", function () { schedule(document.getElementById("documents")); });
})();
