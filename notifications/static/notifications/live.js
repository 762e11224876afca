/*
 * Live inbox. Opens ws(s)://<host>/ws/notifications/ and, for every message:
 *  - sets the header badge (#inbox-badge) to the unread count;
 *  - on a new notification, prepends it to #inbox-list (first inbox page only) and
 *    dispatches CustomEvent("credit:notification", {detail: payload}) on document,
 *    so a case page can refresh its status without reloading.
 * Reconnects with exponential back-off (1 s … 60 s, jittered) when the socket closes.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var path = (script && script.getAttribute("data-websocket-path")) || "/ws/notifications/";
  var MIN_DELAY = 1000;
  var MAX_DELAY = 60000;
  var delay = MIN_DELAY;
  var timer = null;
  var socket = null;
  var leaving = false;

  function setUnread(count) {
    if (typeof count !== "number") return;
    var text = String(count);
    var badge = document.getElementById("inbox-badge");
    if (badge) {
      badge.textContent = text;
      badge.setAttribute("data-count", text);
    }
    var others = document.querySelectorAll("[data-unread-count]");
    for (var i = 0; i < others.length; i++) others[i].textContent = text;
  }

  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;  // textContent, never innerHTML: titles carry user-entered case names
    return el;
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  function prepend(payload) {
    var list = document.getElementById("inbox-list");
    if (!list || list.getAttribute("data-live") !== "1") return;
    if (list.querySelector('li[data-id="' + Number(payload.id) + '"]')) return;
    var empty = list.querySelector("li.empty");
    if (empty) empty.parentNode.removeChild(empty);

    var item = element("li", "notification" + (payload.read ? "" : " unread"));
    item.setAttribute("data-id", String(payload.id));
    var form = element("form");
    form.method = "post";
    form.action = (list.getAttribute("data-read-url") || "").replace(/\/0\/read\/$/, "/" + Number(payload.id) + "/read/");
    form.appendChild(hidden("csrfmiddlewaretoken", list.getAttribute("data-csrf-token") || ""));
    var title = element("button", "notification-title", payload.title);
    title.type = "submit";
    form.appendChild(title);
    if (payload.body) form.appendChild(element("div", "notification-body", payload.body));
    var meta = element("div", "notification-meta muted");
    var time = element("time", "", formatTime(payload.created_at));
    time.setAttribute("datetime", payload.created_at || "");
    meta.appendChild(time);
    var markRead = element("button", "mark-read", "标为已读");
    markRead.type = "submit";
    markRead.name = "next";
    markRead.value = list.getAttribute("data-next") || "";
    meta.appendChild(markRead);
    form.appendChild(meta);
    item.appendChild(form);
    list.insertBefore(item, list.firstChild);
  }

  function onMessage(event) {
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    setUnread(message.unread);
    if (message.type !== "notification") return;
    var payload = {};
    for (var key in message) {
      if (Object.prototype.hasOwnProperty.call(message, key) && key !== "type") payload[key] = message[key];
    }
    prepend(payload);
    document.dispatchEvent(new CustomEvent("credit:notification", { detail: payload }));
  }

  function reconnectLater() {
    if (leaving || timer) return;
    var wait = delay / 2 + Math.random() * delay / 2;
    delay = Math.min(delay * 2, MAX_DELAY);
    timer = setTimeout(function () {
      timer = null;
      connect();
    }, wait);
  }

  function connect() {
    if (!("WebSocket" in window)) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws;
    try {
      ws = new WebSocket(scheme + window.location.host + path);
    } catch (err) {
      reconnectLater();
      return;
    }
    socket = ws;
    ws.onopen = function () { delay = MIN_DELAY; };
    ws.onmessage = onMessage;
    function lost() {
      if (socket !== ws) return;  // an older socket closing after its replacement opened
      socket = null;
      reconnectLater();
    }
    // A refused handshake fires "error" (and in browsers "close" too; not in every client): handle both, once.
    ws.onerror = lost;
    ws.onclose = lost;
  }

  window.addEventListener("pagehide", function () {
    leaving = true;
    if (socket) socket.close();
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;  // restored from the back/forward cache: the old socket is gone
    leaving = false;
    delay = MIN_DELAY;
    if (!socket) connect();
  });
  window.addEventListener("online", function () {
    if (socket || leaving) return;
    if (timer) { clearTimeout(timer); timer = null; }
    delay = MIN_DELAY;
    connect();
  });

  connect();
})();
