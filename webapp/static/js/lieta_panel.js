// The Lieta panel of the modeler: the extension properties our engine reads, picked from the
// lists the server supplies (form files, service operations, message names, lane roles), and
// written with moddle.create / modeling.updateProperties so that each change is one undoable
// command of bpmn-js.
(function () {
  "use strict";
  var SPIFF = "spiffworkflow:";

  function LietaPanel(modeler, box, choices, texts) {
    this.modeler = modeler;
    this.box = box;
    this.choices = choices;
    this.t = texts;
    this.moddle = modeler.get("moddle");
    this.modeling = modeler.get("modeling");
    var self = this;
    modeler.get("eventBus").on("selection.changed", function (event) {
      self.show(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    modeler.get("eventBus").on("elements.changed", function () {
      if (self.element && !self.busy) { self.show(self.element); }
    });
    this.show(null);
  }

  LietaPanel.prototype.extensions = function (bo) {
    return (bo.extensionElements && bo.extensionElements.get("values")) || [];
  };

  LietaPanel.prototype.extension = function (bo, type) {
    return this.extensions(bo).filter(function (value) { return value.$type === SPIFF + type; })[0];
  };

  // The element's extensionElements, created (one command) when it has none.
  LietaPanel.prototype.container = function (element) {
    var bo = element.businessObject;
    if (!bo.extensionElements) {
      var created = this.moddle.create("bpmn:ExtensionElements", { values: [] });
      this.modeling.updateProperties(element, { extensionElements: created });
    }
    return bo.extensionElements;
  };

  // Sets (or, given an empty value, removes) one extension element of `type` with `attrs`.
  LietaPanel.prototype.setExtension = function (element, type, attrs) {
    var bo = element.businessObject;
    var current = this.extension(bo, type);
    var empty = Object.keys(attrs).every(function (key) { return !attrs[key]; });
    if (empty) {
      if (current) {
        var kept = this.extensions(bo).filter(function (value) { return value !== current; });
        this.modeling.updateModdleProperties(element, bo.extensionElements, { values: kept });
      }
      return;
    }
    if (current) {
      this.modeling.updateModdleProperties(element, current, attrs);
      return;
    }
    var container = this.container(element);
    var made = this.moddle.create(SPIFF + type, attrs);
    made.$parent = container;
    this.modeling.updateModdleProperties(element, container, { values: this.extensions(bo).concat([made]) });
  };

  LietaPanel.prototype.propertyValue = function (bo, name) {
    var properties = this.extension(bo, "Properties");
    var found = properties && (properties.get("properties") || []).filter(function (p) { return p.name === name; })[0];
    return found ? found.value : "";
  };

  // One spiffworkflow:property (the form files) inside spiffworkflow:properties.
  LietaPanel.prototype.setProperty = function (element, name, value) {
    var bo = element.businessObject;
    var properties = this.extension(bo, "Properties");
    if (!properties) {
      if (!value) { return; }
      this.setExtension(element, "Properties", { properties: [] });
      properties = this.extension(bo, "Properties");
    }
    var list = (properties.get("properties") || []).filter(function (p) { return p.name !== name; });
    if (value) {
      var made = this.moddle.create(SPIFF + "Property", { name: name, value: value });
      made.$parent = properties;
      list.push(made);
    }
    this.modeling.updateModdleProperties(element, properties, { properties: list });
  };

  LietaPanel.prototype.messageDefinition = function (bo) {
    return (bo.eventDefinitions || []).filter(function (d) { return d.$type === "bpmn:MessageEventDefinition"; })[0];
  };

  // The bpmn:Message named `name`, added to the definitions when the diagram has none yet.
  LietaPanel.prototype.setMessage = function (element, name) {
    var definition = this.messageDefinition(element.businessObject);
    if (!name) { this.modeling.updateModdleProperties(element, definition, { messageRef: undefined }); return; }
    var definitions = this.modeler.getDefinitions();
    var message = definitions.get("rootElements").filter(function (r) { return r.$type === "bpmn:Message" && r.name === name; })[0];
    if (!message) {
      message = this.moddle.create("bpmn:Message", { id: "Message_" + name.replace(/[^A-Za-z0-9_]/g, "_"), name: name });
      message.$parent = definitions;
      this.modeling.updateModdleProperties(element, definitions, { rootElements: definitions.get("rootElements").concat([message]) });
    }
    this.modeling.updateModdleProperties(element, definition, { messageRef: message });
  };

  LietaPanel.prototype.field = function (label, id, control) {
    var wrap = document.createElement("div");
    wrap.className = "field";
    var text = document.createElement("label");
    text.htmlFor = id;
    text.textContent = label;
    control.id = id;
    wrap.appendChild(text);
    wrap.appendChild(control);
    this.box.appendChild(wrap);
    return control;
  };

  LietaPanel.prototype.select = function (label, id, options, value, onChange) {
    var control = document.createElement("select");
    var all = [{ value: "", label: this.t.none }].concat(options.map(function (o) { return typeof o === "string" ? { value: o, label: o } : o; }));
    if (value && !all.some(function (o) { return o.value === value; })) { all.push({ value: value, label: value }); }
    all.forEach(function (o) {
      var option = document.createElement("option");
      option.value = o.value;
      option.textContent = o.label;
      control.appendChild(option);
    });
    control.value = value || "";
    var self = this;
    control.addEventListener("change", function () { self.run(function () { onChange(control.value); }); });
    return this.field(label, id, control);
  };

  LietaPanel.prototype.text = function (label, id, value, multiline, onChange) {
    var control = document.createElement(multiline ? "textarea" : "input");
    if (multiline) { control.rows = 4; } else { control.type = "text"; }
    control.value = value || "";
    var self = this;
    control.addEventListener("change", function () { self.run(function () { onChange(control.value.trim()); }); });
    return this.field(label, id, control);
  };

  // A change redraws the panel through elements.changed; the flag keeps it from redrawing mid-change.
  LietaPanel.prototype.run = function (change) {
    this.busy = true;
    try { change(); } finally { this.busy = false; }
    this.show(this.element);
  };

  LietaPanel.prototype.show = function (element) {
    var self = this;
    this.element = element;
    this.box.textContent = "";
    var bo = element && element.businessObject;
    var type = bo && bo.$type;
    if (!bo) {
      var hint = document.createElement("p");
      hint.className = "muted";
      hint.textContent = this.t.pick;
      this.box.appendChild(hint);
      return;
    }
    if (type === "bpmn:UserTask" || type === "bpmn:StartEvent" || type === "bpmn:ManualTask") {
      this.select(this.t.form, "lieta-form", this.choices.forms, this.propertyValue(bo, "formJsonSchemaFilename"),
        function (value) { self.setProperty(element, "formJsonSchemaFilename", value); });
      this.select(this.t.uiForm, "lieta-ui-form", this.choices.ui_forms, this.propertyValue(bo, "formUiSchemaFilename"),
        function (value) { self.setProperty(element, "formUiSchemaFilename", value); });
    }
    if (type === "bpmn:UserTask" || type === "bpmn:ManualTask") {
      var instructions = this.extension(bo, "InstructionsForEndUser");
      this.text(this.t.instructions, "lieta-instructions", instructions && instructions.value, true,
        function (value) { self.setExtension(element, "InstructionsForEndUser", { value: value }); });
    }
    if (type === "bpmn:ServiceTask") {
      var operator = this.extension(bo, "ServiceTaskOperator");
      this.select(this.t.operation, "lieta-operation", this.choices.operations, operator && operator.id,
        function (value) { self.setExtension(element, "ServiceTaskOperator", { id: value, resultVariable: operator && operator.resultVariable }); });
      this.text(this.t.result, "lieta-result", operator && operator.resultVariable, false, function (value) {
        var current = self.extension(bo, "ServiceTaskOperator");
        if (current) { self.modeling.updateModdleProperties(element, current, { resultVariable: value || undefined }); }
      });
    }
    var definition = this.messageDefinition(bo);
    if (definition) {
      this.select(this.t.message, "lieta-message", this.choices.messages, definition.messageRef && definition.messageRef.name,
        function (value) { self.setMessage(element, value); });
    }
    if (type === "bpmn:Lane") {
      var roles = this.choices.roles.map(function (r) { return { value: r.code, label: r.name + " (" + r.code + ")" }; });
      this.select(this.t.role, "lieta-role", roles, bo.name, function (value) { self.modeling.updateProperties(element, { name: value }); });
    }
    if (!this.box.children.length) {
      var nothing = document.createElement("p");
      nothing.className = "muted";
      nothing.textContent = this.t.pick;
      this.box.appendChild(nothing);
    }
  };

  window.LietaPanel = LietaPanel;
}());
