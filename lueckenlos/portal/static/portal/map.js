/* The map of the offer search: area outlines, the offers of the current result (clustered
   where dense) and the centre of the search, on a plain background.

   Everything the map shows is also in the result list beside it; the map is an enhancement.
   Background tiles come from another server, so they are requested only after the visitor
   has agreed in two clicks; the consent is not remembered (no cookie, no storage).
   Texts come translated from data attributes of the template (portal/_map.html).

   Usage: LueckenlosMap.init(element) -> instance with refreshPoints(url). */
(function () {
  "use strict";

  if (window.LueckenlosMap || !window.L) {
    return;
  }

  var INITIAL_VIEW = { center: [51.16, 10.45], zoom: 6 }; // Germany, until the data is in
  var MAX_ZOOM = 19;
  var MAX_FIT_ZOOM = 16;
  var AREA_STYLE = {
    color: "#3d5a80",
    weight: 1.5,
    opacity: 0.9,
    fillColor: "#3d5a80",
    fillOpacity: 0.06,
  };

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function fetchJson(url) {
    if (!url) {
      return Promise.resolve(null);
    }
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status + " for " + url);
      }
      return response.json();
    });
  }

  function MapView(container) {
    this.container = container;
    this.data = container.dataset;
    this.pointsUrl = this.data.pointsUrl || "";
    this.popupOpener = null;
    this.tilesLoaded = false;

    // The height comes with this class, so without JavaScript no empty box is left.
    container.classList.add("map-ready");
    // Zoom limits of its own: clustering needs them, and there may be no tile layer to set them.
    this.map = L.map(container, { zoomControl: false, minZoom: 5, maxZoom: MAX_ZOOM });
    L.control
      .zoom({
        zoomInTitle: this.data.labelZoomIn || "+",
        zoomOutTitle: this.data.labelZoomOut || "-",
      })
      .addTo(this.map);
    this.map.setView(INITIAL_VIEW.center, INITIAL_VIEW.zoom);

    this.icon = L.icon({
      iconUrl: this.data.iconUrl,
      iconRetinaUrl: this.data.iconRetinaUrl,
      shadowUrl: this.data.iconShadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
    this.areas = L.featureGroup().addTo(this.map);
    this.offers = L.markerClusterGroup({
      showCoverageOnHover: false,
      // Wide enough that cluster buttons (40 px) do not overlap one another (target size).
      maxClusterRadius: 80,
      iconCreateFunction: this.clusterIcon.bind(this),
    }).addTo(this.map);
    this.centre = L.featureGroup().addTo(this.map);

    this.bindPopupFocus();
    this.setUpConsent();

    var view = this;
    Promise.all([
      fetchJson(this.data.areasUrl).catch(this.warn),
      fetchJson(this.pointsUrl).catch(this.warn),
    ]).then(function (results) {
      view.showAreas(results[0]);
      view.showPoints(results[1]);
      view.fit();
      container.dataset.mapLoaded = "true"; // for tests and styles: the first drawing is done
    });
  }

  MapView.prototype.warn = function (error) {
    // The list beside the map has everything; a failed layer only leaves the map emptier.
    if (window.console) {
      window.console.warn("Map data could not be loaded:", error);
    }
    return null;
  };

  MapView.prototype.clusterIcon = function (cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    // The cluster is a keyboard-focusable button: its name says what the number counts.
    var label = (this.data.labelCluster || "") + " " + count;
    return L.divIcon({
      html:
        '<div><span aria-hidden="true">' +
        count +
        '</span><span class="visually-hidden">' +
        escapeHtml(label) +
        "</span></div>",
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40),
    });
  };

  MapView.prototype.showAreas = function (collection) {
    if (!collection || !collection.features) {
      return;
    }
    L.geoJSON(collection, {
      style: AREA_STYLE,
      onEachFeature: function (feature, layer) {
        var name = (feature.properties && feature.properties.name) || "";
        if (name) {
          // A text node, never HTML: names come from imported data.
          layer.bindTooltip(document.createTextNode(name), { sticky: true });
        }
      },
    }).addTo(this.areas);
  };

  MapView.prototype.popupContent = function (properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("p");
    title.className = "map-popup-title";
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    title.appendChild(link);
    box.appendChild(title);
    if (properties.distance) {
      var distance = document.createElement("p");
      distance.className = "map-popup-distance";
      distance.textContent = (this.data.labelDistance || "") + ": " + properties.distance;
      box.appendChild(distance);
    }
    return box;
  };

  MapView.prototype.showPoints = function (collection) {
    this.offers.clearLayers();
    this.centre.clearLayers();
    if (!collection) {
      return;
    }
    var view = this;
    var markers = [];
    (collection.features || []).forEach(function (feature) {
      var geometry = feature.geometry;
      var properties = feature.properties || {};
      if (!geometry || geometry.type !== "Point" || !properties.url) {
        return;
      }
      var marker = L.marker([geometry.coordinates[1], geometry.coordinates[0]], {
        icon: view.icon,
        alt: properties.name,
        riseOnHover: true,
      });
      marker.bindPopup(view.popupContent(properties));
      markers.push(marker);
    });
    this.offers.addLayers(markers);

    var centre = collection.centre;
    if (centre && typeof centre.lat === "number" && typeof centre.lon === "number") {
      var label = centre.label || this.data.labelCentre || "";
      L.marker([centre.lat, centre.lon], {
        icon: L.divIcon({ className: "map-centre-marker", iconSize: [20, 20] }),
        // Not a stop for the keyboard: the list and the search form name the centre.
        keyboard: false,
        title: label,
        zIndexOffset: 1000,
      })
        .bindTooltip(document.createTextNode(label))
        .addTo(this.centre);
    }
  };

  MapView.prototype.fit = function () {
    var bounds = L.latLngBounds([]);
    if (this.offers.getLayers().length) {
      bounds.extend(this.offers.getBounds());
      bounds.extend(this.centre.getBounds());
    } else if (this.areas.getLayers().length) {
      bounds.extend(this.areas.getBounds());
    } else if (this.centre.getLayers().length) {
      bounds.extend(this.centre.getBounds());
    }
    if (bounds.isValid()) {
      // More room at the top: a pin stands above its point.
      this.map.fitBounds(bounds, {
        paddingTopLeft: [24, 48],
        paddingBottomRight: [24, 16],
        maxZoom: MAX_FIT_ZOOM,
        animate: false,
      });
    }
  };

  /* Reload the offers, e.g. after the result list was replaced without a page load. */
  MapView.prototype.refreshPoints = function (url) {
    if (!url || url === this.pointsUrl) {
      return Promise.resolve();
    }
    this.pointsUrl = url;
    this.container.dataset.pointsUrl = url;
    var view = this;
    return fetchJson(url)
      .catch(this.warn)
      .then(function (collection) {
        view.map.closePopup();
        view.showPoints(collection);
        view.fit();
      });
  };

  /* A popup opened from the keyboard takes the focus, and gives it back when it closes;
     Escape closes it wherever the focus is inside the map. */
  MapView.prototype.bindPopupFocus = function () {
    var view = this;
    this.map.on("popupopen", function (event) {
      var element = event.popup.getElement();
      var close = element && element.querySelector(".leaflet-popup-close-button");
      if (close && view.data.labelClose) {
        close.setAttribute("aria-label", view.data.labelClose);
        close.title = view.data.labelClose;
      }
      var active = document.activeElement;
      var markerPane = view.map.getPane("markerPane");
      if (active && markerPane.contains(active)) {
        view.popupOpener = active;
        var link = element && element.querySelector(".map-popup a");
        if (link) {
          link.focus();
        }
      } else {
        view.popupOpener = null;
      }
    });
    this.map.on("popupclose", function (event) {
      var element = event.popup.getElement();
      var opener = view.popupOpener;
      view.popupOpener = null;
      var focusLost =
        document.activeElement === document.body ||
        (element && element.contains(document.activeElement));
      if (opener && document.contains(opener) && focusLost) {
        opener.focus();
      }
    });
    this.container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && view.map.closePopup) {
        view.map.closePopup();
      }
    });
  };

  /* Two clicks before any request goes to the tile server: "Show background map" opens a
     notice naming the server; only "Load background map" there adds the tile layer. */
  MapView.prototype.setUpConsent = function () {
    var tileUrl = this.data.tileUrl;
    var frame = this.container.parentElement;
    var consent = frame && frame.querySelector("[data-map-consent]");
    if (!tileUrl || !consent) {
      return;
    }
    var ask = consent.querySelector("[data-consent-ask]");
    var notice = consent.querySelector("[data-consent-notice]");
    var accept = consent.querySelector("[data-consent-accept]");
    var cancel = consent.querySelector("[data-consent-cancel]");
    var view = this;

    consent.hidden = false;
    ask.addEventListener("click", function () {
      notice.hidden = false;
      ask.hidden = true;
      accept.focus();
    });
    cancel.addEventListener("click", function () {
      notice.hidden = true;
      ask.hidden = false;
      ask.focus();
    });
    accept.addEventListener("click", function () {
      view.loadTiles();
      consent.hidden = true;
      view.container.focus();
    });
  };

  MapView.prototype.loadTiles = function () {
    if (this.tilesLoaded) {
      return;
    }
    this.tilesLoaded = true;
    L.tileLayer(this.data.tileUrl, {
      // Set by the operator of the installation (it may hold a link), not by visitors.
      attribution: this.data.tileAttribution || "",
      maxZoom: MAX_ZOOM,
    }).addTo(this.map);
    this.container.classList.add("map-has-tiles");
  };

  window.LueckenlosMap = {
    init: function (container) {
      if (!container) {
        return null;
      }
      if (!container.lueckenlosMap) {
        container.lueckenlosMap = new MapView(container);
      }
      return container.lueckenlosMap;
    },
  };
})();
