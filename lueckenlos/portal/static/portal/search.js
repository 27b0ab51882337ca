/* Progressive enhancement of the offer search; the page works without it.

   1. "Use my location": a search form with the attribute `data-locate-label` gets a button
      (made here, so no one without JavaScript sees it) that asks the browser for its
      position, fills the form's hidden inputs `lat` and `lon` (added if the form has none)
      rounded to 4 decimals (about 10 m: enough to sort by distance, no more precise than
      needed) and submits the form.
      Optional attributes on the form:
        data-locate-busy     text while the browser looks for the position
        data-locate-failed   text when it cannot be had or the visitor refuses
        data-locate-clear    names of inputs to empty first (e.g. a typed place), space-separated
      The button goes into the element [data-locate-slot] inside the form, or at its end.
   2. The map (portal/map.js) in #map, drawn once the page is there; if the results are
      replaced without a page load (htmx), an element with data-map-points-url in the new
      content tells the map which offers to show. */
(function () {
  "use strict";

  if (window.lueckenlosSearch) {
    return;
  }
  window.lueckenlosSearch = true;

  var COORDINATE_DECIMALS = 4;

  function hiddenInput(form, name) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  function setUpLocate(form) {
    var label = form.getAttribute("data-locate-label");
    if (!label || form.querySelector(".locate")) {
      return;
    }
    var lat = hiddenInput(form, "lat");
    var lon = hiddenInput(form, "lon");
    var wrapper = document.createElement("p");
    wrapper.className = "locate";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "locate-button";
    button.textContent = label;
    var status = document.createElement("span");
    status.className = "locate-status";
    status.setAttribute("role", "status");
    wrapper.appendChild(button);
    wrapper.appendChild(document.createTextNode(" "));
    wrapper.appendChild(status);
    (form.querySelector("[data-locate-slot]") || form).appendChild(wrapper);

    function failed() {
      button.disabled = false;
      status.textContent = form.getAttribute("data-locate-failed") || "";
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = form.getAttribute("data-locate-busy") || "";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(COORDINATE_DECIMALS);
          lon.value = position.coords.longitude.toFixed(COORDINATE_DECIMALS);
          (form.getAttribute("data-locate-clear") || "")
            .split(/\s+/)
            .filter(Boolean)
            .forEach(function (name) {
              var field = form.elements.namedItem(name);
              if (field && "value" in field) {
                field.value = "";
              }
            });
          button.disabled = false;
          status.textContent = "";
          if (form.requestSubmit) {
            form.requestSubmit(); // fires "submit", so a live search can take it over
          } else {
            form.submit();
          }
        },
        failed,
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  function setUpLocateButtons(root) {
    // The browser gives positions only to secure pages (https or localhost).
    if (!("geolocation" in navigator) || window.isSecureContext === false) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("form[data-locate-label]"), setUpLocate);
  }

  function setUpMap() {
    var container = document.getElementById("map");
    if (container && window.LueckenlosMap) {
      return window.LueckenlosMap.init(container);
    }
    return null;
  }

  setUpLocateButtons(document);
  setUpMap();

  // Live results (htmx, if the page uses it): new forms get their button, and the map shows
  // the offers of the new result (refreshPoints does nothing if the address is unchanged).
  document.addEventListener("htmx:afterSettle", function () {
    setUpLocateButtons(document);
    var view = setUpMap();
    var source = document.querySelector("[data-map-points-url]");
    if (view && source) {
      view.refreshPoints(source.getAttribute("data-map-points-url"));
    }
  });
})();
