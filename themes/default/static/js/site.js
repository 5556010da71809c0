// Progressive enhancement only: every page works without this script.
// Share and print buttons are hidden in the HTML and shown here, because
// without JavaScript they would do nothing.
(function () {
  "use strict";

  var copyButton = document.querySelector("[data-kopieer-link]");
  var printButton = document.querySelector("[data-print]");
  var status = document.querySelector("[data-kopieer-melding]");

  if (copyButton && navigator.clipboard && window.isSecureContext) {
    copyButton.addEventListener("click", function () {
      var canonical = document.querySelector('link[rel="canonical"]');
      var link = canonical ? canonical.href : window.location.href;
      navigator.clipboard.writeText(link).then(
        function () { status.textContent = "De link is gekopieerd. Je kunt hem nu plakken."; },
        function () { status.textContent = "Kopiëren lukte niet. Kopieer de link uit de adresbalk."; }
      );
    });
  } else if (copyButton) {
    copyButton.remove();
  }

  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }

  document.querySelectorAll("[data-alleen-met-js]").forEach(function (element) {
    element.hidden = false;
  });
})();
