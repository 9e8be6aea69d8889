/* Sophie, the chat widget of Cœur Côte Fleurie. Vanilla JS, no dependency, no CDN.
 *
 * Embed on any page with one tag:
 *   <script src="https://portail.example/static/chatbot/widget.js" defer></script>
 * Options (data-* attributes on the script tag):
 *   data-api     base URL of the portal (default: where this script comes from)
 *   data-mode    "floating" (a button opens a panel, default) or "inline"
 *   data-target  CSS selector of the container, in inline mode
 *
 * Everything residents or agents type is inserted as text (textContent), never as HTML.
 * The conversation id is kept in localStorage; after a reload the server sends the history.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) { return; }
  var options = script.dataset || {};
  var api = (options.api || new URL(script.src, window.location.href).origin).replace(/\/$/, "");
  var mode = options.mode === "inline" ? "inline" : "floating";
  var STORAGE_KEY = "sophie.conversation";
  var POLL_MS = 3000;
  var URL_RE = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  var state = { conversation: null, lastSeq: 0, busy: false, polling: null, handoff: null,
                expects: null, opened: false };

  function storage(action, value) {
    try {
      if (action === "get") { return window.localStorage.getItem(STORAGE_KEY); }
      if (action === "set") { window.localStorage.setItem(STORAGE_KEY, value); }
      if (action === "clear") { window.localStorage.removeItem(STORAGE_KEY); }
    } catch (e) { /* private browsing: the conversation lasts as long as the page */ }
    return null;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  /* Text with its links made clickable, built node by node (never innerHTML). */
  function richText(container, text) {
    var last = 0;
    String(text || "").replace(URL_RE, function (url, _g, offset) {
      if (offset > last) { container.appendChild(document.createTextNode(text.slice(last, offset))); }
      var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
      container.appendChild(link);
      last = offset + url.length;
      return url;
    });
    if (last < String(text || "").length) { container.appendChild(document.createTextNode(text.slice(last))); }
  }

  // --- Building the widget ----------------------------------------------------------------------
  var root = el("div", { "class": "sophie sophie--" + mode, lang: "fr" });
  var launcher = null;
  if (mode === "floating") {
    launcher = el("button", { type: "button", "class": "sophie-launcher", "aria-expanded": "false",
                              "aria-controls": "sophie-panel" });
    launcher.appendChild(el("span", { "class": "sophie-launcher__icon", "aria-hidden": "true" }, "💬"));
    launcher.appendChild(el("span", {}, "Une question ? Sophie vous répond"));
    root.appendChild(launcher);
  }
  var panel = el("section", { id: "sophie-panel", "class": "sophie-panel", "aria-labelledby": "sophie-title" });
  if (mode === "floating") { panel.hidden = true; }
  var header = el("div", { "class": "sophie-header" });
  var titles = el("div", { "class": "sophie-titles" });
  titles.appendChild(el("h2", { id: "sophie-title", "class": "sophie-title" }, "Sophie"));
  titles.appendChild(el("p", { "class": "sophie-subtitle" }, "Assistante virtuelle de Cœur Côte Fleurie"));
  header.appendChild(el("span", { "class": "sophie-avatar", "aria-hidden": "true" }, "S"));
  header.appendChild(titles);
  var restart = el("button", { type: "button", "class": "sophie-icon-button" }, "Recommencer");
  header.appendChild(restart);
  var close = null;
  if (mode === "floating") {
    close = el("button", { type: "button", "class": "sophie-icon-button", "aria-label": "Fermer la discussion" }, "✕");
    header.appendChild(close);
  }
  panel.appendChild(header);

  var log = el("div", { "class": "sophie-log", role: "log", "aria-live": "off",
                        "aria-label": "Conversation avec Sophie", tabindex: "0" });
  panel.appendChild(log);
  var typing = el("div", { "class": "sophie-typing", role: "status" });
  panel.appendChild(typing);
  var quick = el("div", { "class": "sophie-quick", role: "group", "aria-label": "Réponses proposées" });
  panel.appendChild(quick);

  var form = el("form", { "class": "sophie-form", novalidate: "" });
  var label = el("label", { "for": "sophie-input", "class": "sophie-visually-hidden" }, "Votre message à Sophie");
  var input = el("textarea", { id: "sophie-input", "class": "sophie-input", rows: "1", maxlength: "10000",
                               placeholder: "Écrivez votre question…", autocomplete: "off" });
  var photoLabel = el("label", { "class": "sophie-photo", "for": "sophie-photo-input" });
  photoLabel.appendChild(el("span", { "aria-hidden": "true" }, "📷 "));
  photoLabel.appendChild(document.createTextNode("Ajouter une photo"));
  var photoInput = el("input", { id: "sophie-photo-input", type: "file", accept: "image/*",
                                 "class": "sophie-visually-hidden" });
  photoLabel.hidden = true;
  photoInput.hidden = true;
  var send = el("button", { type: "submit", "class": "sophie-send" }, "Envoyer");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(photoInput);
  form.appendChild(photoLabel);
  form.appendChild(send);
  panel.appendChild(form);
  panel.appendChild(el("p", { "class": "sophie-notice" },
    "Sophie est un programme. Vos messages sont conservés un an pour améliorer le service."));
  root.appendChild(panel);

  function mount() {
    if (!document.querySelector("link[data-sophie-css]")) {
      var css = el("link", { rel: "stylesheet", href: script.src.replace(/widget\.js(\?.*)?$/, "widget.css"),
                             "data-sophie-css": "" });
      document.head.appendChild(css);
    }
    var target = mode === "inline" && options.target ? document.querySelector(options.target) : null;
    (target || document.body).appendChild(root);
  }

  // --- Rendering --------------------------------------------------------------------------------
  var ROLE_LABELS = { usager: "Vous", sophie: "Sophie", agent: "Conseiller", system: "Information" };

  function addMessage(role, text, extra) {
    if (!text) { return; }
    var item = el("div", { "class": "sophie-msg sophie-msg--" + role });
    item.appendChild(el("span", { "class": "sophie-visually-hidden" }, (extra && extra.who ? extra.who : ROLE_LABELS[role] || "") + " : "));
    var bubble = el("p", { "class": "sophie-bubble" });
    richText(bubble, text);
    item.appendChild(bubble);
    log.appendChild(item);
    // Show the start of a long answer, not its end; the resident's own lines stick to the bottom.
    log.scrollTop = role === "usager" ? log.scrollHeight : Math.max(0, item.offsetTop - 8);
  }

  function setQuickReplies(replies) {
    quick.textContent = "";
    (replies || []).forEach(function (text) {
      var button = el("button", { type: "button", "class": "sophie-chip" }, text);
      button.addEventListener("click", function () { submit(text); });
      quick.appendChild(button);
    });
  }

  function setTyping(on, text) {
    typing.textContent = "";
    typing.classList.toggle("is-active", !!on);
    if (on) {
      var dots = el("span", { "class": "sophie-dots", "aria-hidden": "true" });
      dots.appendChild(el("span")); dots.appendChild(el("span")); dots.appendChild(el("span"));
      typing.appendChild(dots);
      typing.appendChild(el("span", {}, text || "Sophie écrit…"));
    }
  }

  function setExpects(expects) {
    state.expects = expects;
    photoLabel.hidden = expects !== "photo";
    photoInput.hidden = expects !== "photo";
  }

  function setHandoff(handoff) {
    var status = handoff ? handoff.status : null;
    state.handoff = status;
    if (status === "waiting" || status === "agent") { startPolling(); } else { stopPolling(); }
  }

  // --- Talking to the server --------------------------------------------------------------------
  function request(method, path, body, isForm) {
    var init = { method: method, headers: { Accept: "application/json" }, credentials: "omit" };
    if (body && !isForm) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    if (body && isForm) { init.body = body; }
    return fetch(api + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function showError(result) {
    var message = result && result.data && result.data.detail ? result.data.detail
      : "Je n’arrive pas à joindre le serveur. Vérifiez votre connexion, puis réessayez : votre message est toujours là.";
    addMessage("system", message);
  }

  function applyExchange(data) {
    if (data.conversation && data.conversation !== state.conversation) {
      state.conversation = data.conversation;
      storage("set", data.conversation);
    }
    if (data.reply && data.reply.text) { addMessage("sophie", data.reply.text); }
    if (data.ticket && data.ticket.reference) { root.setAttribute("data-last-ticket", data.ticket.reference); }
    state.lastSeq = Math.max(state.lastSeq, data.last_seq || 0);
    setQuickReplies(data.reply ? data.reply.quick_replies : []);
    setExpects(data.expects || null);
    setHandoff(data.handoff);
  }

  function submit(text) {
    text = String(text || "");
    if (state.busy || !text.trim()) { input.focus(); return; }
    state.busy = true;
    send.disabled = true;
    addMessage("usager", text);
    setQuickReplies([]);
    var typed = input.value;
    input.value = "";
    setTyping(true);
    request("POST", "/api/v1/chatbot/messages", { conversation: state.conversation, text: text,
                                                  page: window.location.pathname })
      .then(function (result) {
        if (result.ok) { applyExchange(result.data); }
        else { showError(result); if (typed === text) { input.value = typed; } }
      })
      .catch(function () { showError(null); input.value = typed; })
      .then(function () { state.busy = false; send.disabled = false; setTyping(false); input.focus(); });
  }

  function uploadPhoto(file) {
    if (!file || !state.conversation) { return; }
    var data = new FormData();
    data.append("photo", file, file.name || "photo.jpg");
    addMessage("usager", "📷 " + (file.name || "photo"));
    setTyping(true, "Envoi de la photo…");
    request("POST", "/api/v1/chatbot/conversations/" + state.conversation + "/photo", data, true)
      .then(function (result) { if (result.ok) { applyExchange(result.data); } else { showError(result); } })
      .catch(function () { showError(null); })
      .then(function () { setTyping(false); photoInput.value = ""; input.focus(); });
  }

  function poll() {
    if (!state.conversation) { return; }
    request("GET", "/api/v1/chatbot/conversations/" + state.conversation + "?after=" + state.lastSeq)
      .then(function (result) {
        if (!result.ok) { return; }
        (result.data.turns || []).forEach(function (turn) {
          if (turn.seq <= state.lastSeq) { return; }
          state.lastSeq = turn.seq;
          if (turn.role !== "usager") {
            addMessage(turn.role, turn.text);
            if (turn.quick_replies && turn.quick_replies.length) { setQuickReplies(turn.quick_replies); }
          }
        });
        setHandoff(result.data.handoff);
        setTyping(result.data.handoff && result.data.handoff.status === "waiting", "En attente d’un conseiller…");
      })
      .catch(function () { /* the next tick tries again */ });
  }

  function startPolling() { if (!state.polling) { state.polling = window.setInterval(poll, POLL_MS); } }
  function stopPolling() { if (state.polling) { window.clearInterval(state.polling); state.polling = null; } }

  function welcome() {
    return request("GET", "/api/v1/chatbot/welcome").then(function (result) {
      var data = result.ok ? result.data : { text: "Bonjour, je suis Sophie, l’assistante virtuelle de Cœur Côte Fleurie. Que puis-je faire pour vous ?", quick_replies: [] };
      addMessage("sophie", data.text);
      setQuickReplies(data.quick_replies);
    }).catch(function () {
      addMessage("sophie", "Bonjour, je suis Sophie, l’assistante virtuelle de Cœur Côte Fleurie. Que puis-je faire pour vous ?");
    });
  }

  function restore() {
    var saved = storage("get");
    if (!saved) { return welcome(); }
    return request("GET", "/api/v1/chatbot/conversations/" + encodeURIComponent(saved)).then(function (result) {
      if (!result.ok || !result.data.turns || !result.data.turns.length) {
        storage("clear");
        return welcome();
      }
      state.conversation = result.data.conversation;
      var lastReplies = [];
      result.data.turns.forEach(function (turn) {
        addMessage(turn.role, turn.text);
        lastReplies = turn.role === "usager" ? [] : (turn.quick_replies || []);
        state.lastSeq = turn.seq;
      });
      setQuickReplies(lastReplies);
      setHandoff(result.data.handoff);
    }).catch(function () { return welcome(); });
  }

  // --- Interaction ------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(input.value); }
  });
  photoInput.addEventListener("change", function () { uploadPhoto(photoInput.files[0]); });
  restart.addEventListener("click", function () { submit("recommencer"); });

  var started = false;
  function start() {
    if (started) { return Promise.resolve(); }
    started = true;
    return restore().then(function () { log.setAttribute("aria-live", "polite"); });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("is-open");
    start().then(function () { input.focus(); });
    input.focus();
  }

  function hide() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("is-open");
    launcher.focus();
  }

  if (mode === "floating") {
    launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { hide(); } });
    close.addEventListener("click", hide);
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  }

  function boot() {
    mount();
    if (mode === "inline") { start(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }

  window.Sophie = { open: mode === "floating" ? open : start, send: submit };
})();
