// Compares the SHA-256 of a chosen file with the issued file's, in the browser (Web Crypto): the file
// never leaves the user's machine.
(function () {
  "use strict";
  var input = document.getElementById("copy");
  var result = document.getElementById("copy-result");
  if (!input || !result) { return; }
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    file.arrayBuffer().then(function (buffer) {
      return window.crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      var same = hex === input.dataset.expected;
      result.textContent = same ? input.dataset.same : input.dataset.different;
      result.className = same ? "badge badge-ok" : "badge badge-bad";
      result.dataset.match = same ? "yes" : "no";
    });
  });
})();
