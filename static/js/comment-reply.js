// Progressive enhancement for "Reply" links: move the form under the comment and set its
// parent, without a page load. Without JavaScript the links load ?replyto=ID#respond instead.
(function () {
  "use strict";
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
