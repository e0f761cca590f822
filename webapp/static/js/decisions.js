// The review page: text selected in the decision fills the "text to replace" field, so a
// reviewer marks a missed name by selecting it. The form works without this script.
(function () {
  "use strict";
  var original = document.getElementById("decision-original");
  var field = document.getElementById("span-text");
  if (!original || !field) { return; }
  original.addEventListener("mouseup", function () {
    var selected = window.getSelection ? String(window.getSelection()).trim() : "";
    if (selected) { field.value = selected.slice(0, 500); }
  });
})();
