/* Progressive enhancement of the public forms: everything works without this file. */
(function () {
  "use strict";

  // An error summary takes the focus so that it is read first (WCAG 3.3.1).
  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }

  var form = document.querySelector(".mds-public-form");
  if (!form) { return; }
  var theme = form.querySelector("#id_theme");
  var subtheme = form.querySelector("#id_subtheme");
  var commune = form.querySelector("#id_commune");
  var street = form.querySelector("#id_street");
  var suggestions = document.getElementById("suggestions");
  var seen = document.getElementById("similaires-vus");

  // Sub-themes: only those of the chosen theme (all of them, grouped, without JavaScript).
  var groups = subtheme ? Array.prototype.slice.call(subtheme.querySelectorAll("optgroup")) : [];
  function filterSubthemes() {
    if (!theme || !subtheme) { return; }
    var label = theme.selectedIndex > 0 ? theme.options[theme.selectedIndex].text : null;
    groups.forEach(function (group) {
      var show = label === null || group.label === label;
      group.hidden = !show;
      group.disabled = !show;
    });
    var chosen = subtheme.options[subtheme.selectedIndex];
    if (chosen && chosen.parentNode.disabled) { subtheme.value = ""; }
  }

  function nature() {
    var checked = form.querySelector("input[name=nature]:checked");
    return checked ? checked.value : "";
  }

  // Similar open reports nearby, before the resident submits a duplicate.
  var timer = null;
  function lookForSimilar() {
    if (!suggestions) { return; }
    if (nature() !== "signalement" || !subtheme.value || !commune.value) {
      suggestions.innerHTML = "";
      if (seen) { seen.value = ""; }
      return;
    }
    var params = new URLSearchParams({subtheme: subtheme.value, commune: commune.value,
                                      street: street ? street.value : ""});
    fetch(form.getAttribute("data-similar-url") + "?" + params.toString(),
          {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {count: 0, html: ""}; })
      .then(function (data) {
        suggestions.innerHTML = data.html || "";
        if (seen) { seen.value = data.count ? "1" : ""; }
      })
      .catch(function () { /* the server shows them on submit anyway */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(lookForSimilar, 400); }

  if (theme) { theme.addEventListener("change", function () { filterSubthemes(); later(); }); }
  [subtheme, commune].forEach(function (el) { if (el) { el.addEventListener("change", later); } });
  if (street) { street.addEventListener("input", later); }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=nature]"), function (el) {
    el.addEventListener("change", later);
  });
  filterSubthemes();
})();
