// The live ranking of a session page is the same HTML for everyone (dissent.forums.feed):
// no CSRF token in its forms, no mark of what you voted for or asked. This puts both back
// from the page's #me element after every fragment the live stream swaps in.
(function () {
  "use strict";

  function words(value) {
    return value ? value.split(" ") : [];
  }

  function personalise(root) {
    var me = document.getElementById("me");
    if (!me || !root) {
      return;
    }
    var voted = words(me.dataset.voted);
    var own = words(me.dataset.own);
    root.querySelectorAll("[data-question]").forEach(function (item) {
      item.classList.toggle("voted", voted.indexOf(item.dataset.question) >= 0);
      item.classList.toggle("own", own.indexOf(item.dataset.question) >= 0);
    });
    root.querySelectorAll("form[method=post]").forEach(function (form) {
      if (!form.querySelector("input[name=csrfmiddlewaretoken]")) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        input.value = me.dataset.csrf;
        form.appendChild(input);
      }
    });
  }

  // After settling, not on htmx:sseMessage: settling copies the class attribute of the
  // swapped-in elements back over them, which would undo the marks.
  document.addEventListener("htmx:afterSettle", function (event) {
    personalise(event.target);
  });
})();
