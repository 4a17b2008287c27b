// Admin helpers for filing entries. Without JavaScript both fields still work as plain inputs.
// 1. A box above each category checkbox tree that hides the categories not matching the text.
// 2. Suggestions for the tag being typed in a comma-separated tag field.
(function () {
  "use strict";

  function filterableTree(list) {
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Find a category";
    box.setAttribute("aria-label", "Find a category");
    box.className = "category-filter";
    list.parentNode.insertBefore(box, list);
    box.addEventListener("input", function () {
      var typed = box.value.trim().toLowerCase();
      list.querySelectorAll("label").forEach(function (label) {
        var item = label.closest("div") || label;
        item.hidden = typed !== "" && label.textContent.toLowerCase().indexOf(typed) === -1;
      });
    });
  }

  function tagSuggestions(input, url) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var pending;
    input.addEventListener("input", function () {
      var parts = input.value.split(",");
      var typed = parts[parts.length - 1].trim();
      var done = parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean);
      clearTimeout(pending);
      if (!typed) return;
      pending = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            list.replaceChildren();
            data.tags.forEach(function (name) {
              var option = document.createElement("option");
              option.value = done.concat([name]).join(", ");
              list.appendChild(option);
            });
          });
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#id_categories").forEach(filterableTree);
    var url = document.documentElement.dataset.tagSuggestUrl || "/admin/newsarchive/tag/suggest/";
    document.querySelectorAll("input.tag-suggest").forEach(function (input) {
      tagSuggestions(input, url);
    });
  });
})();
