// The clinic's website chat widget.
//
// One <script src=".../widget.js" data-server-url="https://bot.example.org"> on any page adds a
// launcher button and a chat panel (in a shadow root, so the page's CSS and the widget's CSS
// don't mix). It talks to Rasa's socket.io channel, keeps the conversation id in localStorage,
// restores earlier messages from the web server's history endpoint, and queues messages typed
// while the server is unreachable. Every message is put in the page as text, never as HTML.

import { io } from "socket.io-client";
import { botMessage, classifyButton, splitLinks } from "./content.js";
import { readConfig } from "./config.js";
import { Store } from "./store.js";

const REPLY_TIMEOUT_MS = 30000;
const OFFLINE_TEXT = "The chat server is not reachable right now. Reconnecting automatically… " +
  "Messages you type will be sent when it is back.";
const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an element. Children that are strings become text nodes, never markup. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) el.append(child);
  return el;
}

function icon(pathData) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "22");
  svg.setAttribute("height", "22");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", pathData);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

const ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm2 5v2h12V9H6zm0 4v2h8v-2H6z",
  close: "M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z",
  send: "M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z",
  restart: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
};

/** Message text as text nodes and <a> elements for http(s) URLs. */
function textWithLinks(text) {
  const p = h("p", { class: "kc-text" });
  for (const part of splitLinks(text)) {
    if (part.type === "link") {
      p.append(h("a", { href: part.href, target: "_blank", rel: "noopener noreferrer" }, part.text,
        h("span", { class: "kc-sr", text: " (opens in a new tab)" })));
    } else {
      p.append(document.createTextNode(part.text));
    }
  }
  return p;
}

class ChatWidget {
  constructor(config) {
    this.config = config;
    this.store = new Store();
    this.socket = null;
    this.ready = false;            // connected and the session is confirmed
    this.everConnected = false;
    this.awaitingReply = [];       // sent, no bot reply yet: {item, bubble}
    this.historyLoaded = false;
    this.queued = new Map();       // outbox item id -> its bubble
    this.unread = 0;
    this.build();
    if (config.open || this.store.wasOpen) this.open({ focus: false });
  }

  // ---------------------------------------------------------------- layout

  build() {
    const c = this.config;
    this.host = h("div", { id: "clinic-chat-widget", "data-clinic-chat-widget": "" });
    this.host.style.setProperty("--kc-primary", c.primaryColor);
    this.host.style.setProperty("--kc-on-primary", c.primaryText);
    this.host.style.setProperty("--kc-primary-on-white", c.primaryOnWhite);
    const shadow = this.host.attachShadow({ mode: "open" });
    const stylesheet = h("link", { rel: "stylesheet", href: c.stylesheetUrl });
    this.root = h("div", { class: `kc-root kc-${c.position}`, hidden: true });
    const reveal = () => { this.root.hidden = false; };
    stylesheet.addEventListener("load", reveal);
    stylesheet.addEventListener("error", reveal);
    shadow.append(stylesheet, this.root);

    this.badge = h("span", { class: "kc-badge", hidden: true },
      h("span", { class: "kc-sr", text: "(new message)" }));
    this.launcher = h("button", {
      type: "button", class: "kc-launcher", "aria-expanded": "false", "aria-controls": "kc-panel",
      onclick: () => (this.isOpen ? this.close() : this.open()),
    }, icon(ICONS.chat), this.launcherText = h("span", { class: "kc-launcher-label", text: c.launcherLabel }),
    this.badge);

    this.status = h("div", { class: "kc-status", role: "status", "aria-live": "polite", hidden: true });
    this.log = h("div", { class: "kc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.typing = h("div", { class: "kc-typing", hidden: true },
      h("span", { class: "kc-sr", text: "The assistant is typing" }),
      h("span", { class: "kc-dot", "aria-hidden": "true" }),
      h("span", { class: "kc-dot", "aria-hidden": "true" }),
      h("span", { class: "kc-dot", "aria-hidden": "true" }));
    this.typingStatus = h("div", { class: "kc-sr", role: "status" });
    this.scroller = h("div", { class: "kc-scroll", tabindex: "0", role: "region", "aria-label": "Messages" },
      this.log, this.typing);

    this.input = h("textarea", {
      id: "kc-input", class: "kc-input", rows: "1", maxlength: "1000", autocomplete: "off",
      placeholder: "Type your question…", "aria-describedby": "kc-privacy",
      onkeydown: (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.submit();
        }
      },
      oninput: () => this.autosize(),
    });
    const form = h("form", {
      class: "kc-composer", onsubmit: (event) => { event.preventDefault(); this.submit(); },
    },
    h("label", { class: "kc-sr", for: "kc-input", text: "Your message" }),
    this.input,
    h("button", { type: "submit", class: "kc-send", "aria-label": "Send" }, icon(ICONS.send)));

    this.panel = h("section", {
      id: "kc-panel", class: "kc-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "kc-title", hidden: true,
      onkeydown: (event) => { if (event.key === "Escape") { event.stopPropagation(); this.close(); } },
    },
    h("header", { class: "kc-header" },
      h("div", { class: "kc-heading" },
        h("h2", { id: "kc-title", class: "kc-title", text: c.title }),
        h("p", { class: "kc-subtitle", text: c.subtitle })),
      h("button", {
        type: "button", class: "kc-icon-button", "aria-label": "Start a new conversation",
        title: "Start a new conversation",
        onclick: () => {
          // The id is the only key to this conversation in this browser: ask before dropping it.
          if (window.confirm("Start a new conversation? This one will no longer be shown here.")) this.restart();
        },
      }, icon(ICONS.restart)),
      h("button", {
        type: "button", class: "kc-icon-button", "aria-label": "Close chat", title: "Close chat",
        onclick: () => this.close(),
      }, icon(ICONS.close))),
    h("div", { class: "kc-notice" },
      h("p", { class: "kc-disclaimer" },
        "Automated assistant: general information only, not medical advice."),
      h("p", { class: "kc-emergency" },
        h("strong", {}, "In an emergency call ",
          h("a", { href: "tel:911" }, "911"), " or ", h("a", { href: "tel:988" }, "988"), "."),
        " 988 is the Suicide & Crisis Lifeline (call or text).")),
    this.status,
    this.scroller,
    this.typingStatus,
    form,
    h("p", { id: "kc-privacy", class: "kc-privacy", text: "Please don't share medical details here." }));

    this.root.append(this.launcher, this.panel); // Tab from the launcher goes into the panel
    document.body.append(this.host);
    this.showWelcome();
  }

  showWelcome() {
    const c = this.config;
    this.welcome = this.addBotMessage({ text: c.welcome, buttons: [] }, { welcome: true });
    if (!this.store.started && c.suggestions.length) {
      this.suggestions = h("div", { class: "kc-actions", role: "group", "aria-label": "Suggested questions" },
        c.suggestions.map((text) => h("button", {
          type: "button", class: "kc-chip kc-reply", onclick: () => this.send(text),
        }, text)));
      if (this.welcome) this.welcome.append(this.suggestions);
      else this.log.append(this.welcome = h("div", { class: "kc-msg kc-from-bot kc-welcome" }, this.suggestions));
    }
  }

  autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  // ---------------------------------------------------------------- open / close

  get isOpen() {
    return !this.panel.hidden;
  }

  open({ focus = true } = {}) {
    this.panel.hidden = false;
    this.root.classList.add("kc-is-open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcherText.textContent = "Close chat";
    this.store.wasOpen = true;
    this.unread = 0;
    this.badge.hidden = true;
    this.start();
    this.scrollToEnd();
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.root.classList.remove("kc-is-open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcherText.textContent = this.config.launcherLabel;
    this.store.wasOpen = false;
    this.launcher.focus();
  }

  // ---------------------------------------------------------------- messages

  /** A bot bubble; reply buttons only on the latest turn (older ones can't be answered). */
  botBubble(message, { welcome = false, latest = true } = {}) {
    const buttons = latest ? message.buttons : message.buttons.filter((b) => b.kind !== "reply");
    if (!message.text && !buttons.length) return null;
    const bubble = h("div", { class: `kc-msg kc-from-bot${welcome ? " kc-welcome" : ""}` },
      h("span", { class: "kc-sr", text: "Assistant: " }));
    if (message.text) bubble.append(textWithLinks(message.text));
    if (buttons.length) {
      bubble.append(h("div", { class: "kc-actions", role: "group", "aria-label": "Options" },
        buttons.map((button) => this.renderButton(button))));
    }
    return bubble;
  }

  addBotMessage(message, options) {
    const bubble = this.botBubble(message, options);
    if (bubble) {
      this.log.append(bubble);
      this.scrollToEnd();
    }
    return bubble;
  }

  userBubble(text) {
    return h("div", { class: "kc-msg kc-from-user" },
      h("span", { class: "kc-sr", text: "You: " }), h("p", { class: "kc-text", text }));
  }

  renderButton(button) {
    if (button.kind === "link") {
      return h("a", {
        class: "kc-chip kc-link", href: button.href, target: "_blank", rel: "noopener noreferrer",
      }, button.title, h("span", { class: "kc-sr", text: " (opens in a new tab)" }),
      h("span", { class: "kc-external", "aria-hidden": "true", text: "↗" }));
    }
    if (button.kind === "tel") {
      return h("a", { class: "kc-chip kc-link", href: button.href }, button.title);
    }
    return h("button", {
      type: "button", class: "kc-chip kc-reply",
      onclick: () => this.send(button.payload, button.title),
    }, button.title);
  }

  addUserMessage(text) {
    const bubble = this.userBubble(text);
    this.log.append(bubble);
    this.scrollToEnd();
    return bubble;
  }

  setBubbleStatus(bubble, text, retry) {
    bubble.querySelector(".kc-msg-status")?.remove();
    if (!text) return;
    const status = h("p", { class: "kc-msg-status" }, text);
    if (retry) {
      status.append(" ", h("button", { type: "button", class: "kc-retry", onclick: retry }, "Send again"));
    }
    bubble.append(status);
  }

  /** Quick replies of earlier turns can no longer be answered: remove them, keep links. */
  retireReplyButtons() {
    for (const button of this.log.querySelectorAll("button.kc-reply")) button.remove();
    for (const group of this.log.querySelectorAll(".kc-actions")) if (!group.children.length) group.remove();
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.autosize();
    this.send(text);
  }

  /** Send `text` to the bot, showing `display` (a button title) as the visitor's bubble. */
  send(text, display = text) {
    if (!text) return;
    this.retireReplyButtons();
    const item = { id: Math.random().toString(36).slice(2) + Date.now().toString(36), text, display };
    const bubble = this.addUserMessage(display);
    this.store.started = true;
    this.deliver(item, bubble);
  }

  deliver(item, bubble) {
    if (this.ready) {
      this.emit(item, bubble);
    } else {
      if (!this.store.outbox.some((m) => m.id === item.id)) this.store.outbox.push(item);
      this.store.save();
      this.queued.set(item.id, bubble);
      this.setBubbleStatus(bubble, "Not sent yet: it will be sent when the connection is back.");
      this.start();
    }
  }

  emit(item, bubble) {
    this.store.sent += 1;
    this.store.save();
    this.socket.emit("user_uttered", { message: item.text, session_id: this.store.sessionId });
    this.setBubbleStatus(bubble, "");
    this.awaitingReply.push({ item, bubble });
    this.showTyping(true);
  }

  flushOutbox() {
    const items = this.store.outbox.splice(0);
    this.store.save();
    for (const item of items) {
      const bubble = this.queued.get(item.id) || this.addUserMessage(item.display);
      this.queued.delete(item.id);
      this.emit(item, bubble);
    }
  }

  showTyping(on) {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    this.typingStatus.textContent = on ? "The assistant is typing…" : "";
    if (on) {
      this.typingTimer = setTimeout(() => this.showTyping(false), REPLY_TIMEOUT_MS);
      this.scrollToEnd();
    }
  }

  onBotUttered(data) {
    this.awaitingReply = [];
    this.showTyping(false);
    const message = botMessage(data);
    if (message.buttons.some((b) => b.kind === "reply")) this.retireReplyButtons();
    this.addBotMessage(message);
    if (!this.isOpen) {
      this.unread += 1;
      this.badge.hidden = false;
    }
  }

  // ---------------------------------------------------------------- connection

  setStatus(kind, text) {
    clearTimeout(this.statusTimer);
    this.status.hidden = !text;
    this.status.dataset.kind = kind;
    this.status.textContent = text || "";
  }

  /** First open (or a queued message): load the history, then connect. */
  start() {
    if (this.starting) return;
    this.starting = true;
    this.setStatus("info", "Connecting to the assistant…");
    this.loadHistory().finally(() => {
      for (const item of this.store.outbox) {
        if (!this.queued.has(item.id)) {
          const bubble = this.addUserMessage(item.display);
          this.queued.set(item.id, bubble);
          this.setBubbleStatus(bubble, "Not sent yet: it will be sent when the connection is back.");
        }
      }
      this.connect();
    });
  }

  async loadHistory() {
    if (this.historyLoaded || !this.store.started || !this.config.historyUrl) {
      this.historyLoaded = true;
      return;
    }
    try {
      let messages = [];
      let userTurns = this.store.sent;
      // Rasa saves a turn just after sending its replies: a reload right after an answer can
      // be quicker than that, so wait a little for every message this browser sent.
      for (let attempt = 0; attempt < 6; attempt += 1) {
        const response = await fetch(this.config.historyUrl + this.store.sessionId, {
          credentials: "omit", cache: "no-store", headers: { Accept: "application/json" },
        });
        if (response.status === 404) break;
        if (!response.ok) throw new Error(`history: HTTP ${response.status}`);
        const body = await response.json();
        messages = Array.isArray(body.messages) ? body.messages : [];
        userTurns = Number.isInteger(body.user_turns) ? body.user_turns
          : messages.filter((m) => m.sender === "user").length;
        if (userTurns >= this.store.sent) break;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      this.store.sent = userTurns;
      this.store.save();
      this.renderHistory(messages);
      this.historyLoaded = true;
      this.historyNote?.remove();
    } catch {
      if (!this.historyNote) {
        this.historyNote = h("p", { class: "kc-note", text: "Earlier messages could not be loaded right now." });
        this.log.append(this.historyNote);
      }
    }
  }

  renderHistory(messages) {
    const lastIndex = messages.length - 1;
    const bubbles = messages.map((m, index) => {
      if (m.sender === "user" && typeof m.text === "string") return this.userBubble(m.text);
      if (m.sender === "bot") {
        return this.botBubble(botMessage({ text: m.text, buttons: m.buttons }), { latest: index === lastIndex });
      }
      return null;
    }).filter(Boolean);
    if (!bubbles.length) return;
    // History goes right after the welcome message, before anything typed on this page view.
    const anchor = this.welcome ? this.welcome.nextSibling : this.log.firstChild;
    this.log.insertBefore(h("p", { class: "kc-note", text: "Earlier in this conversation" }), anchor);
    for (const bubble of bubbles) this.log.insertBefore(bubble, anchor);
    this.suggestions?.remove();
    this.scrollToEnd();
  }

  connect() {
    if (this.socket) return;
    const socket = io(this.config.serverUrl, {
      path: this.config.socketPath,
      // WebSocket only: long-polling needs every request of a session on the same Rasa server,
      // which round-robin load balancing (docs/guides/scale-out.md) does not give.
      transports: ["websocket"],
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.3,
      timeout: 10000,
    });
    this.socket = socket;
    socket.on("connect", () => {
      socket.emit("session_request", { session_id: this.store.sessionId });
    });
    socket.on("session_confirm", (data) => {
      if (socket !== this.socket) return;
      const id = typeof data === "string" ? data : data?.session_id;
      if (id && id !== this.store.sessionId) return; // an answer to a session we no longer use
      const reconnected = this.everConnected;
      this.everConnected = true;
      // Show earlier messages before sending queued ones, so nothing appears twice.
      const history = this.historyLoaded ? Promise.resolve() : this.loadHistory();
      history.finally(() => {
        if (socket !== this.socket || !socket.connected) return;
        this.ready = true;
        if (reconnected && !this.status.hidden) {
          this.setStatus("ok", "Connected again.");
          this.statusTimer = setTimeout(() => this.setStatus("", ""), 3000);
        } else {
          this.setStatus("", "");
        }
        this.flushOutbox();
      });
    });
    socket.on("bot_uttered", (data) => {
      if (socket === this.socket) this.onBotUttered(data);
    });
    socket.on("disconnect", (reason) => {
      if (socket !== this.socket) return;
      this.ready = false;
      this.showTyping(false);
      for (const { item, bubble } of this.awaitingReply.splice(0)) {
        this.setBubbleStatus(bubble, "This message may not have reached the assistant.", () => {
          this.setBubbleStatus(bubble, "");
          this.deliver({ ...item, id: item.id + "r" }, bubble);
        });
      }
      if (reason === "io client disconnect") return;
      // The server closed this connection itself: socket.io does not retry that on its own.
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 2000);
      this.setStatus("error", OFFLINE_TEXT);
    });
    socket.on("connect_error", () => {
      if (socket !== this.socket) return;
      this.ready = false;
      this.setStatus("error", OFFLINE_TEXT);
    });
  }

  /** Forget this conversation on this device and start a fresh one. */
  restart() {
    const old = this.socket;
    this.socket = null;
    old?.disconnect();
    this.ready = false;
    this.starting = false;
    this.awaitingReply = [];
    this.queued = new Map();
    this.historyLoaded = false;
    this.historyNote = null;
    this.store.reset();
    this.showTyping(false);
    this.log.replaceChildren();
    this.showWelcome();
    this.start();
    this.input.focus();
  }
}

function boot() {
  if (window.ClinicChat?.widget) return; // included twice
  const config = readConfig();
  const mount = () => {
    const widget = new ChatWidget(config);
    window.ClinicChat = {
      widget,
      open: () => widget.open(),
      close: () => widget.close(),
      send: (text) => widget.send(String(text)),
    };
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
}

boot();
