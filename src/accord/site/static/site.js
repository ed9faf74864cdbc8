// Filter a table's rows by the words typed (or given as ?q= in the URL).
// Vanilla JS, no network, works from file://.
(function () {
  "use strict";
  function apply(input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table) { return; }
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].getAttribute("data-search") || rows[i].textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      rows[i].hidden = !match;
      if (match) { shown++; }
    }
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    if (count) {
      count.textContent = words.length ? shown + " of " + rows.length + " shown" : "";
    }
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var inputs = document.querySelectorAll("input[data-filter]");
  for (var i = 0; i < inputs.length; i++) {
    var input = inputs[i];
    if (query) { input.value = query; }
    input.addEventListener("input", function (event) { apply(event.target); });
    apply(input);
  }
})();
