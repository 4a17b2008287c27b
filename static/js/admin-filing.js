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
    // Box and list in one block, so the admin's row lays them out as one field.
    var field = document.createElement("div");
    field.className = "category-field";
    list.parentNode.insertBefore(field, list);
    field.append(box, list);
    box.addEventListener("input", function () {
      var typed = box.value.trim().toLowerCase();
      list.querySelectorAll("label").forEach(function (label) {
        var item = label.closest("div") || label;
        item.hidden = typed !== "" && label.textContent.toLowerCase().indexOf(typed) === -1;
      });
    });
  }

  // Tag boxes hold names separated by commas; a name holding a comma or a double quote is
  // written in double quotes, its quotes doubled (as newsarchive/admin/forms.py reads them).
  function written(name) {
    return /[,"]/.test(name) ? '"' + name.replace(/"/g, '""') + '"' : name;
  }

  function lastSeparator(text) {
    var quoted = false, at = -1;
    for (var i = 0; i < text.length; i++) {
      if (text[i] === '"') quoted = !quoted;
      else if (text[i] === "," && !quoted) at = i;
    }
    return at;
  }

  function tagSuggestions(input, url) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var pending;
    input.addEventListener("input", function () {
      var cut = lastSeparator(input.value);
      var done = input.value.slice(0, cut + 1);
      var typed = input.value.slice(cut + 1).trim().replace(/^"/, "");
      clearTimeout(pending);
      if (!typed) return;
      pending = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.tags.forEach(function (name) {
              var option = document.createElement("option");
              option.value = (done ? done + " " : "") + written(name);
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
