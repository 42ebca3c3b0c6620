// The live ranking of a session page (dissent.forums.feed) is the same HTML for everyone:
// no CSRF token in its forms, no mark of what you voted for or asked. This script puts both
// back from the page's #me element after every fragment the live stream swaps in, and keeps
// a swap from destroying what a person is doing: a snapshot equal to the last one is not
// swapped in again (a reconnecting stream resends it), and one that arrives while a form in
// the ranking is open or focused waits until the person leaves it.
(function () {
  "use strict";

  var lastId = null;
  var waiting = null;

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

  function busy(live) {
    var active = document.activeElement;
    var typing = active && live.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    return typing || live.querySelector("details[open]") !== null;
  }

  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var live = event.target;
    var message = event.detail;
    if (message.lastEventId && message.lastEventId === lastId) {
      event.preventDefault();
      return;
    }
    lastId = message.lastEventId;
    if (busy(live)) {
      waiting = message.data;
      event.preventDefault();
    } else {
      waiting = null;
    }
  });

  function catchUp(event) {
    var live = document.getElementById("live");
    if (waiting === null || !live || !live.contains(event.target)) {
      return;
    }
    window.setTimeout(function () {
      if (waiting !== null && !busy(live)) {
        var data = waiting;
        waiting = null;
        htmx.swap(live, data, { swapStyle: "innerHTML" });
      }
    }, 0);
  }

  document.addEventListener("focusout", catchUp);
  document.addEventListener("toggle", catchUp, true);

  // After settling, not on htmx:sseMessage: settling copies the class attribute of the
  // swapped-in elements back over them, which would undo the marks.
  document.addEventListener("htmx:afterSettle", function (event) {
    personalise(event.target);
  });
})();
