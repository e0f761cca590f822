// The modeler page: bpmn-js modeler, its properties panel and the Lieta panel; save a draft in
// this browser, validate with the server's deployment check (each problem marked on its
// element and listed; selecting one selects the element), deploy, download the BPMN.
(function () {
  "use strict";
  var root = document.getElementById("modeler");
  if (!root || !window.BpmnJS || !window.BpmnJSPropertiesPanel) { return; }
  var data = root.dataset;
  var status = document.getElementById("status");
  var problemList = document.getElementById("problems");
  var source = data.sourceProcess ? { process_id: data.sourceProcess, version: Number(data.sourceVersion) } : null;
  var draftKey = "lieta-modeler-draft:" + (source ? source.process_id + ":" + source.version : "new");
  var BLANK = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" ' +
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" ' +
    'id="Definitions_new" targetNamespace="http://bpmn.io/schema/bpmn">' +
    '<bpmn:process id="new_process" name="New process" isExecutable="true"><bpmn:startEvent id="start" /></bpmn:process>' +
    '<bpmndi:BPMNDiagram id="Diagram_new"><bpmndi:BPMNPlane id="Plane_new" bpmnElement="new_process">' +
    '<bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>' +
    '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>';
  var texts = {
    none: data.tNone, pick: data.tPick, form: data.tForm, uiForm: data.tUiForm, instructions: data.tInstructions,
    operation: data.tOperation, result: data.tResult, message: data.tMessage, role: data.tRole
  };
  var modeler;
  var marked = [];

  function say(text, kind) {
    status.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "info");
    p.textContent = text;
    status.appendChild(p);
  }

  function getText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.text();
    });
  }

  function clearProblems() {
    var canvas = modeler.get("canvas");
    var overlays = modeler.get("overlays");
    marked.forEach(function (id) { canvas.removeMarker(id, "lieta-problem"); });
    overlays.remove({ type: "lieta-problem" });
    marked = [];
    problemList.textContent = "";
  }

  function selectElement(id) {
    var element = modeler.get("elementRegistry").get(id);
    if (!element) { return; }
    modeler.get("selection").select(element);
    modeler.get("canvas").scrollToElement(element);
  }

  function showProblems(problems, warning) {
    var canvas = modeler.get("canvas");
    var overlays = modeler.get("overlays");
    var registry = modeler.get("elementRegistry");
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var label = (warning ? data.tWarning + ": " : "") + problem.message;
      var element = problem.element && registry.get(problem.element);
      if (element) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.dataset.element = problem.element;
        button.textContent = problem.element + ": " + label;
        button.addEventListener("click", function () { selectElement(problem.element); });
        item.appendChild(button);
        if (marked.indexOf(problem.element) < 0 && element.type !== "label") {
          marked.push(problem.element);
          canvas.addMarker(problem.element, "lieta-problem");
          var badge = document.createElement("span");
          badge.className = "lieta-problem-badge";
          badge.dataset.element = problem.element;
          badge.title = problem.message;
          badge.textContent = "!";
          overlays.add(problem.element, "lieta-problem", { position: { top: -10, right: 10 }, html: badge });
        }
      } else {
        item.textContent = (problem.element ? problem.element + ": " : (problem.file ? problem.file + ": " : data.tWhole + ": ")) + label;
      }
      problemList.appendChild(item);
    });
  }

  function send(url) {
    clearProblems();
    return modeler.saveXML({ format: true }).then(function (result) {
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
        body: JSON.stringify({ xml: result.xml, source: source })
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    });
  }

  function validate() {
    return send(data.check).then(function (answer) {
      if (answer.status === 200) {
        say(data.tClean, "success");
        showProblems(answer.body.warnings || [], true);
      } else {
        say(answer.status === 422 ? data.tProblems : answer.body.message, "error");
        showProblems(answer.body.errors || [], false);
      }
      root.dataset.checked = String(answer.status);
    }).catch(function () { say(data.tFailed, "error"); });
  }

  function deploy() {
    return send(data.deploy).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        status.textContent = "";
        var p = document.createElement("p");
        p.className = "flash flash-success";
        p.appendChild(document.createTextNode((answer.status === 201 ? data.tDeployed : data.tUnchanged) + " "));
        answer.body.processes.forEach(function (process, index) {
          var link = document.createElement("a");
          link.href = data.versionUrl.replace("PROCESS", encodeURIComponent(process.process_id)).replace(/\/0$/, "/" + process.version);
          link.textContent = process.process_id + ", " + data.tVersion + " " + process.version;
          link.dataset.version = String(process.version);
          if (index) { p.appendChild(document.createTextNode("; ")); }
          p.appendChild(link);
          // With four-eyes approval on, a new version waits for a second person (docs/versions.md).
          if (process.status === "proposed") { p.appendChild(document.createTextNode(" (" + data.tProposed + ")")); }
        });
        status.appendChild(p);
        showProblems(answer.body.warnings || [], true);
        try { window.localStorage.removeItem(draftKey); } catch (e) { /* storage refused: nothing to remove */ }
      } else {
        say(answer.body.message, "error");
        showProblems(answer.body.errors || [], false);
      }
      root.dataset.deployed = String(answer.status);
    }).catch(function () { say(data.tFailed, "error"); });
  }

  function saveDraft() {
    return modeler.saveXML({ format: true }).then(function (result) {
      window.localStorage.setItem(draftKey, result.xml);
      say(data.tSaved, "success");
      document.getElementById("restore-draft").hidden = false;
    });
  }

  function restoreDraft() {
    var xml = window.localStorage.getItem(draftKey);
    if (!xml) { return Promise.resolve(); }
    return modeler.importXML(xml).then(function () { say(data.tRestored, "info"); });
  }

  function download() {
    return modeler.saveXML({ format: true }).then(function (result) {
      var id = (modeler.getDefinitions().get("rootElements").filter(function (r) { return r.$type === "bpmn:Process"; })[0] || {}).id;
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
      link.download = (id || "process") + ".bpmn";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  Promise.all([
    fetch(data.schema, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
    fetch(data.choices, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
    data.diagram ? getText(data.diagram) : Promise.resolve(BLANK)
  ]).then(function (loaded) {
    var panel = window.BpmnJSPropertiesPanel;
    modeler = new window.BpmnJS({
      container: document.getElementById("canvas"),
      propertiesPanel: { parent: document.getElementById("properties") },
      additionalModules: [panel.BpmnPropertiesPanelModule, panel.BpmnPropertiesProviderModule],
      moddleExtensions: { spiffworkflow: loaded[0] }
    });
    window.lietaModeler = modeler;  // the browser tests drive bpmn-js through it
    new window.LietaPanel(modeler, document.getElementById("lieta-fields"), loaded[1], texts);
    return modeler.importXML(loaded[2]);
  }).then(function () {
    modeler.get("canvas").zoom("fit-viewport");
    var hasDraft = false;
    try { hasDraft = Boolean(window.localStorage.getItem(draftKey)); } catch (e) { hasDraft = false; }
    document.getElementById("restore-draft").hidden = !hasDraft;
    document.getElementById("save-draft").addEventListener("click", saveDraft);
    document.getElementById("restore-draft").addEventListener("click", restoreDraft);
    document.getElementById("validate").addEventListener("click", validate);
    document.getElementById("deploy").addEventListener("click", deploy);
    document.getElementById("download").addEventListener("click", download);
    root.dataset.ready = "true";
  }).catch(function (error) {
    say(data.tFailed + " (" + error.message + ")", "error");
    root.dataset.ready = "error";
  });
}());
