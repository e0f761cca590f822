// A version's diagram with the number of running cases waiting at each element drawn as a
// bpmn-js overlay (from element-counts.json, the API's answer), and the same counts listed.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  var list = document.getElementById("count-list");
  if (!box || !window.BpmnJS) { return; }
  var viewer = new window.BpmnJS({ container: box });
  function fetched(url, asJson) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return asJson ? response.json() : response.text();
    });
  }
  Promise.all([fetched(box.dataset.url, false), fetched(box.dataset.counts, true)])
    .then(function (answers) {
      return viewer.importXML(answers[0]).then(function () { return answers[1]; });
    })
    .then(function (counts) {
      var overlays = viewer.get("overlays");
      var registry = viewer.get("elementRegistry");
      var ids = Object.keys(counts).sort();
      ids.forEach(function (id) {
        var element = registry.get(id);
        var item = document.createElement("li");
        item.textContent = (element && element.businessObject.name ? element.businessObject.name + " (" + id + ")" : id) + ": " + counts[id];
        item.dataset.element = id;
        list.appendChild(item);
        if (!element) { return; }
        var badge = document.createElement("span");
        badge.className = "lieta-count";
        badge.dataset.element = id;
        badge.textContent = String(counts[id]);
        overlays.add(id, "lieta-count", { position: { bottom: 8, right: 8 }, html: badge });
      });
      if (!ids.length) {
        var none = document.createElement("li");
        none.textContent = list.dataset.empty;
        list.appendChild(none);
      }
      viewer.get("canvas").zoom("fit-viewport");
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
