// The case page's diagram: the bpmn-js navigated viewer (vendored), with the completed
// elements and the current tasks marked. Without JavaScript the page lists the current tasks.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) { return; }
  var viewer = new window.BpmnJS({ container: box });
  function ids(name) { return (box.dataset[name] || "").split(" ").filter(Boolean); }
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      ids("completed").forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "lieta-completed"); } });
      ids("current").forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "lieta-current"); } });
      canvas.zoom("fit-viewport");
      box.dataset.ready = "true";
    })
    .catch(function () {
      var message = document.createElement("p");
      message.className = "flash flash-error";
      message.textContent = box.dataset.error;
      box.appendChild(message);
      box.dataset.ready = "error";
    });
}());
