// Progressive enhancement for "Reply" links: move the form under the comment and set its
// parent, without a page load. Without JavaScript the links load ?replyto=ID#respond instead.
(function () {
  "use strict";
  // An old link to a comment (`#comment-77`) whose comment is on another page of comments:
  // the server knows which page shows it.
  var linked = /^#comment-([0-9]+)$/.exec(window.location.hash);
  if (linked && !document.getElementById("comment-" + linked[1]) && document.getElementById("respond")) {
    window.location.replace(window.location.pathname + "?comment=" + linked[1]);
    return;
  }
  // A comment refused and shown again lands at #respond; the summary of what to do then takes
  // the focus (after the browser has moved it to the address's #respond itself, on load).
  var errors = document.getElementById("comment-errors");
  if (errors) {
    window.addEventListener("load", function () {
      window.setTimeout(function () { errors.focus(); }, 0);
    });
  }
  var form = document.getElementById("commentform");
  if (!form) return;
  var respond = document.getElementById("respond");
  var parentField = form.querySelector("input[name=parent]");
  var note = document.getElementById("replying-to");
  var noteName = note.querySelector(".replying-to-name");

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link");
    if (link) {
      event.preventDefault();
      parentField.value = link.dataset.comment;
      noteName.textContent = link.dataset.author;
      note.hidden = false;
      link.closest("article").appendChild(respond);
      form.querySelector("textarea").focus();
      return;
    }
    if (event.target.closest(".cancel-reply")) {
      event.preventDefault();
      parentField.value = "";
      note.hidden = true;
      var entryLinks = document.querySelector(".entry-links");
      entryLinks.parentNode.insertBefore(respond, entryLinks);
      form.querySelector("textarea").focus();
    }
  });
})();
