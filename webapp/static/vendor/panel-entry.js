// Entry of the properties panel's browser bundle (refresh.sh builds it with esbuild): the package
// ships only CommonJS/ES modules, so the two bpmn-js modules the modeler page needs are exposed
// on one global, like bpmn-js's own dist build.
export { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
