/* The map tab: draws the records' points with Leaflet, clustered when many; tiles only when the page gives their URL
   (that is, after the visitor's consent). No inline script: everything comes from data attributes. */
(function () {
  "use strict";
  var element = document.getElementById("dataset-map");
  if (!element || !window.L) { return; }
  var map = L.map(element, { scrollWheelZoom: false, keyboard: true, maxZoom: 18 });
  map.setView([43.6, 2.3], 7);
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: element.getAttribute("data-attribution") || "", maxZoom: 19 }).addTo(map);
  }

  function popup(fields, point) {
    var list = document.createElement("dl");
    list.setAttribute("aria-label", element.getAttribute("data-fields-label") || "");
    for (var i = 0; i < fields.length; i++) {
      var term = document.createElement("dt");
      term.textContent = fields[i];
      var value = document.createElement("dd");
      value.textContent = point[i + 2];
      list.appendChild(term);
      list.appendChild(value);
    }
    return list;
  }

  var request = new XMLHttpRequest();
  request.open("GET", element.getAttribute("data-points"));
  request.responseType = "json";
  request.onload = function () {
    var data = request.response;
    if (request.status !== 200 || !data || !data.points) { return; }
    var clustered = element.getAttribute("data-cluster") === "yes" && L.markerClusterGroup && data.points.length > 200;
    var group = clustered ? L.markerClusterGroup() : L.featureGroup();
    var bounds = L.latLngBounds([]);
    data.points.forEach(function (point) {
      bounds.extend([point[0], point[1]]);
      var marker = L.circleMarker([point[0], point[1]], {
        radius: 6, weight: 1, color: "#00384f", fillColor: "#00577a", fillOpacity: 0.8
      });
      marker.bindPopup(function () { return popup(data.fields, point); });
      group.addLayer(marker);
    });
    group.addTo(map);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
    }
    element.setAttribute("data-markers", String(data.points.length));
  };
  request.send();
}());
