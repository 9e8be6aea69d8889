/* Back office: keyboard shortcuts and two small conveniences. Every page works without it.
   "/" search · j/k or arrows: move in a list · Enter: open · r: reply · n: note · Esc: leave a field */
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-bo-rows] .bo-row-link"));
  }

  function moveInList(step) {
    var links = rowLinks();
    if (!links.length) { return false; }
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1)
      : Math.min(links.length - 1, Math.max(0, index + step));
    links.forEach(function (link) { link.closest("tr").classList.remove("is-selected"); });
    links[next].closest("tr").classList.add("is-selected");
    links[next].focus();
    return true;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var onRow = document.activeElement && document.activeElement.classList.contains("bo-row-link");
    var handled = false;
    switch (event.key) {
      case "/": handled = focusField("bo-search"); break;
      case "j": handled = moveInList(1); break;
      case "k": handled = moveInList(-1); break;
      case "ArrowDown": handled = onRow && moveInList(1); break;
      case "ArrowUp": handled = onRow && moveInList(-1); break;
      case "r": handled = focusField("id_reply-body"); break;
      case "n": handled = focusField("id_note-body"); break;
      default: break;
    }
    if (handled) { event.preventDefault(); }
  });

  /* "Insérer dans la réponse": without JavaScript the link reloads the page with the text. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-bo-insert]");
    var reply = document.getElementById("id_reply-body");
    if (!button || !reply) { return; }
    event.preventDefault();
    var text = button.getAttribute("data-bo-insert");
    reply.value = reply.value.trim() ? reply.value.replace(/\s+$/, "") + "\n\n" + text : text;
    reply.focus();
    reply.scrollIntoView({ block: "center" });
  });

  /* On a phone, the queue's filters fold away unless some are in use. */
  var filters = document.querySelector("[data-bo-filters]");
  if (filters && !filters.hasAttribute("data-bo-active") &&
      window.matchMedia("(max-width: 40rem)").matches) {
    filters.open = false;
  }

  /* Sub-themes follow the chosen theme (the server checks it anyway). */
  function syncSubthemes(form) {
    var theme = form.querySelector("select[name$='theme']:not([name$='subtheme'])");
    var sub = form.querySelector("select[name$='subtheme']");
    if (!theme || !sub) { return; }
    var label = theme.value ? theme.options[theme.selectedIndex].text : "";
    Array.prototype.forEach.call(sub.querySelectorAll("optgroup"), function (group) {
      var other = label !== "" && group.label !== label;
      group.hidden = other;
      group.disabled = other;
    });
    var chosen = sub.options[sub.selectedIndex];
    if (chosen && chosen.parentNode.disabled) { sub.value = ""; }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-bo-subthemes]"), function (form) {
    syncSubthemes(form);
    form.addEventListener("change", function (event) {
      if (/theme$/.test(event.target.name) && !/subtheme$/.test(event.target.name)) {
        syncSubthemes(form);
      }
    });
  });
})();
