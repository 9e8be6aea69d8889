/* Agents' live chat: poll the waiting list and the open transcript; text only, never HTML. */
(function () {
  "use strict";
  var POLL_MS = 3000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var rows = document.getElementById("waiting-rows");
  if (rows) {
    var refreshList = function () {
      fetch(rows.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          rows.textContent = "";
          if (!data.conversations.length) {
            var empty = el("tr"); var cell = el("td", "", "Personne n’attend pour le moment.");
            cell.colSpan = 4; empty.appendChild(cell); rows.appendChild(empty); return;
          }
          data.conversations.forEach(function (c) {
            var tr = el("tr");
            tr.appendChild(el("td", "", c.status_label));
            tr.appendChild(el("td", "", c.waiting_minutes + " min"));
            tr.appendChild(el("td", "", c.agent || "—"));
            var td = el("td"); var a = el("a", "", "Ouvrir"); a.href = c.url; td.appendChild(a);
            tr.appendChild(td);
            rows.appendChild(tr);
          });
        })
        .catch(function () {});
    };
    window.setInterval(refreshList, POLL_MS);
  }

  var transcript = document.getElementById("transcript");
  if (transcript) {
    var last = parseInt(transcript.dataset.last || "0", 10);
    var refreshTurns = function () {
      fetch(transcript.dataset.source + "?after=" + last, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          data.turns.forEach(function (turn) {
            last = Math.max(last, turn.seq);
            var li = el("li", "is-" + turn.role);
            var labels = { usager: "Usager", sophie: "Sophie", agent: "Conseiller", system: "Information" };
            li.appendChild(el("span", "mds-meta", labels[turn.role] || turn.role));
            li.appendChild(document.createTextNode(turn.text));
            transcript.appendChild(li);
          });
        })
        .catch(function () {});
    };
    window.setInterval(refreshTurns, POLL_MS);
  }
})();
