// Starts Redoc on the API's OpenAPI document; the page's policy allows no inline script.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, {}, container);
})();
