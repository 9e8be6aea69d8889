/* Cockpit live updates: Server-Sent Events push what happens; the counters are re-read from
   the server (same filters) and the feed gets a new line, announced politely (aria-live).
   EventSource reconnects by itself with Last-Event-ID when the server ends a stream; a
   periodic refresh keeps the counters right if the stream is unavailable. No library. */
(function () {
  "use strict";
  var printButton = document.querySelector("[data-print]");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }

  var root = document.querySelector("[data-cockpit]");
  if (!root) { return; }
  var liveUrl = root.getAttribute("data-live-url");
  var streamUrl = root.getAttribute("data-stream-url");
  var refreshSeconds = parseInt(root.getAttribute("data-refresh-seconds"), 10) || 60;
  var feed = root.querySelector("[data-feed]");
  var status = root.querySelector("[data-live-status]");
  var pending = null;
  var MAX_FEED = 12;

  function setText(element, text) {
    if (element && element.textContent !== text) { element.textContent = text; return true; }
    return false;
  }

  function applyFigures(figures) {
    Object.keys(figures).forEach(function (key) {
      var card = root.querySelector('[data-live="' + key + '"]');
      if (!card) { return; }
      var changed = setText(card.querySelector("[data-live-value]"), figures[key].value);
      var delta = card.querySelector("[data-live-delta]");
      if (delta && delta.firstChild && delta.firstChild.nodeType === 3) {
        delta.firstChild.nodeValue = figures[key].delta;
      }
      setText(card.querySelector("[data-live-hint]"), figures[key].hint);
      if (changed) {
        card.classList.remove("is-updated");
        void card.offsetWidth; // restart the highlight
        card.classList.add("is-updated");
      }
    });
  }

  function refresh() {
    pending = null;
    fetch(liveUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        applyFigures(data.figures || {});
        // Lines the stream may have missed (a reconnection gap): oldest first, on top.
        (data.activity || []).slice().reverse().forEach(addFeedLine);
        setText(status, data.updated_label || "");
      })
      .catch(function () { /* the periodic refresh tries again */ });
  }

  function scheduleRefresh() {
    if (pending === null) { pending = window.setTimeout(refresh, 150); }
  }

  function feedKey(entry) { return entry.kind + "|" + entry.reference; }

  function addFeedLine(entry) {
    if (!feed || !entry.reference) { return; }
    var key = feedKey(entry);
    if (feed.querySelector('[data-key="' + CSS.escape(key) + '"]')) { return; }
    var empty = feed.querySelector("[data-feed-empty]");
    if (empty) { empty.remove(); }
    var item = document.createElement("li");
    item.setAttribute("data-key", key);
    if (entry.kind === "ticket.resolved" || entry.kind === "ticket.closed") { item.className = "is-done"; }
    item.classList.add("is-new");
    var what = document.createElement("span");
    what.className = "ck-feed__what";
    what.textContent = (entry.time ? entry.time + " — " : "") + entry.label;
    item.appendChild(what);
    item.appendChild(document.createTextNode(" " + (entry.reference || "")));
    item.appendChild(document.createElement("br"));
    var meta = document.createElement("span");
    meta.className = "mds-meta";
    meta.textContent = [entry.theme || "Thème non précisé", entry.commune || "Commune non précisée", entry.channel].filter(Boolean).join(" · ");
    item.appendChild(meta);
    feed.insertBefore(item, feed.firstChild);
    while (feed.children.length > MAX_FEED) { feed.removeChild(feed.lastChild); }
  }

  if (window.EventSource && streamUrl) {
    var source = new EventSource(streamUrl);
    source.addEventListener("ticket", function (message) {
      try { addFeedLine(JSON.parse(message.data)); } catch (error) { /* ignore a bad line */ }
      scheduleRefresh();
    });
    source.addEventListener("open", function () { scheduleRefresh(); });
  }
  window.setInterval(refresh, refreshSeconds * 1000);
}());
