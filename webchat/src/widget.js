// The clinic's website chat widget.
//
// One <script src=".../widget.js" data-server-url="https://bot.example.org"> on any page adds a
// launcher button and a chat panel (in a shadow root, so the page's CSS and the widget's CSS
// don't mix). It talks to Rasa's socket.io channel, keeps the conversation id in localStorage,
// restores earlier messages from the web server's history endpoint, and queues messages typed
// while the server is unreachable. Every message is put in the page as text, never as HTML.

import { io } from "socket.io-client";
import { botMessage, splitLinks } from "./content.js";
import { h, icon } from "./shell.js";
import { Store } from "./store.js";

const REPLY_TIMEOUT_MS = 30000;
const OFFLINE_TEXT = "The chat server is not reachable right now. Reconnecting automatically… " +
  "Messages you type will be sent when it is back.";
// What short screens show instead of the full status text (which screen readers still get).
const BRIEF = {
  [OFFLINE_TEXT]: "Offline: reconnecting…",
  "Connecting to the assistant…": "Connecting…",
};
// Longest message the widget sends, and from when on it shows how many characters are left.
export const MAX_CHARS = 1000;
const COUNTER_FROM = 800;
const SYNC_CHANNEL = "clinicChat.v1";

const ICONS = {
  close: "M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z",
  send: "M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z",
  restart: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
};

const number = new Intl.NumberFormat("en-US");

/** Message text as text nodes and <a> elements: web pages open in a new tab, tel:/sms: don't. */
function textWithLinks(text) {
  const p = h("p", { class: "kc-text" });
  for (const part of splitLinks(text)) {
    if (part.type !== "link") {
      p.append(document.createTextNode(part.text));
    } else if (/^https?:/i.test(part.href)) {
      p.append(h("a", { href: part.href, target: "_blank", rel: "noopener noreferrer" }, part.text,
        h("span", { class: "kc-sr", text: " (opens in a new tab)" })));
    } else {
      p.append(h("a", { href: part.href }, part.text));
    }
  }
  return p;
}

/** Was this click or tap made with a finger (a phone keyboard would cover the chat)? */
function isTouch(pointerType) {
  if (pointerType === "touch" || pointerType === "pen") return true;
  if (pointerType === "mouse" || pointerType === "") return false;
  return window.matchMedia?.("(hover: none) and (pointer: coarse)").matches ?? false;
}

class ChatWidget {
  constructor(config, shell) {
    this.config = config;
    this.shell = shell;
    this.store = new Store();
    this.socket = null;
    this.ready = false;            // connected and the session is confirmed
    this.everConnected = false;
    this.awaitingReply = [];       // sent, no bot reply yet: {item, bubble}
    this.historyLoaded = false;
    this.queued = new Map();       // outbox item id -> its bubble
    this.unread = 0;
    this.turnStart = null;         // the first bot bubble since the visitor's last message
    this.counterLevel = 0;
    this.styled = false;
    shell.styled.then(() => { this.styled = true; });
    this.build();
    this.sync();
    this.watchViewport();
  }

  // ---------------------------------------------------------------- layout

  build() {
    const c = this.config;
    const { host, shadow, root, launcher, launcherText, badge } = this.shell;
    Object.assign(this, { host, shadow, root, launcher, launcherText, badge });
    launcher.addEventListener("click", (event) => {
      if (this.isOpen) this.close();
      else this.open({ pointerType: event.pointerType });
    });

    this.status = h("div", { class: "kc-status", role: "status", "aria-live": "polite", hidden: true });
    this.log = h("div", { class: "kc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.typing = h("div", { class: "kc-typing", hidden: true },
      h("span", { class: "kc-sr", text: "The assistant is typing" }),
      h("span", { class: "kc-dot", "aria-hidden": "true" }),
      h("span", { class: "kc-dot", "aria-hidden": "true" }),
      h("span", { class: "kc-dot", "aria-hidden": "true" }));
    this.typingStatus = h("div", { class: "kc-sr", role: "status" });
    // The safety notice is the first thing in the scrolling area: it stays pinned on tall
    // screens and scrolls away on short ones (phone landscape, zoom), leaving room to read.
    this.notice = h("div", { class: "kc-notice" },
      h("p", { class: "kc-disclaimer" },
        "Automated assistant: general information only, not medical advice."),
      h("p", { class: "kc-emergency" },
        h("strong", {}, "In an emergency call ",
          h("a", { href: "tel:911" }, "911"), " or ", h("a", { href: "tel:988" }, "988"), "."),
        " 988 is the Suicide & Crisis Lifeline (call or text)."));
    this.scroller = h("div", { class: "kc-scroll", tabindex: "0", role: "region", "aria-label": "Messages" },
      this.notice, this.log, this.typing);

    this.input = h("textarea", {
      id: "kc-input", class: "kc-input", rows: "1", autocomplete: "off",
      placeholder: "Type your question…", "aria-describedby": "kc-privacy kc-counter",
      onkeydown: (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.submit();
        }
      },
      oninput: () => { this.autosize(); this.updateCounter(); },
    });
    const form = h("form", {
      class: "kc-composer", onsubmit: (event) => { event.preventDefault(); this.submit(); },
    },
    h("label", { class: "kc-sr", for: "kc-input", text: "Your message" }),
    this.input,
    h("button", { type: "submit", class: "kc-send", "aria-label": "Send" }, icon(ICONS.send)));
    this.counter = h("p", { id: "kc-counter", class: "kc-counter", hidden: true });
    this.counterStatus = h("div", { class: "kc-sr", role: "status" });

    this.title = h("h2", { id: "kc-title", class: "kc-title", text: c.title });
    this.panel = h("div", {
      id: "kc-panel", class: "kc-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "kc-title", tabindex: "-1", hidden: true,
      onkeydown: (event) => { if (event.key === "Escape") { event.stopPropagation(); this.close(); } },
    },
    h("div", { class: "kc-header" },
      h("div", { class: "kc-heading" },
        this.title,
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
    this.status,
    this.scroller,
    this.typingStatus,
    form,
    h("div", { class: "kc-footer" },
      h("p", { id: "kc-privacy", class: "kc-privacy", text: "Please don't share medical details here." }),
      this.counter),
    this.counterStatus);

    root.append(this.panel); // after the launcher: Tab from the launcher goes into the panel
    this.showWelcome();
  }

  showWelcome() {
    const c = this.config;
    this.welcome = this.addBotMessage({ text: c.welcome, buttons: [] }, { welcome: true });
    if (!this.store.started && c.suggestions.length) {
      this.suggestions = h("div", { class: "kc-actions", role: "group", "aria-label": "Suggested questions" },
        c.suggestions.map((text) => h("button", {
          type: "button", class: "kc-chip kc-reply",
          onclick: (event) => this.useChip(event, text, text),
        }, text)));
      if (this.welcome) this.welcome.append(this.suggestions);
      else this.log.append(this.welcome = h("div", { class: "kc-msg kc-from-bot kc-welcome" }, this.suggestions));
    }
  }

  autosize() {
    this.input.style.height = "auto"; // the stylesheet's max-height caps it (less on short screens)
    this.input.style.height = `${this.input.scrollHeight + 2}px`;
  }

  /** Characters left, shown near the limit; over it the message is kept whole but not sent. */
  updateCounter() {
    const length = [...this.input.value].length;
    const over = length - MAX_CHARS;
    const level = over > 0 ? 3 : length >= MAX_CHARS - 50 ? 2 : length >= COUNTER_FROM ? 1 : 0;
    this.counter.hidden = level === 0;
    this.counter.dataset.kind = level === 3 ? "error" : level === 2 ? "warn" : "";
    this.counter.textContent = level === 0 ? ""
      : over > 0
        ? `${number.format(over)} ${over === 1 ? "character" : "characters"} over the ` +
          `${number.format(MAX_CHARS)}-character limit: please shorten your message.`
        : `${number.format(MAX_CHARS - length)} of ${number.format(MAX_CHARS)} characters left`;
    if (over > 0) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
    // Announce crossing a threshold, not every key press.
    if (level > this.counterLevel) this.counterStatus.textContent = this.counter.textContent;
    if (level === 0) this.counterStatus.textContent = "";
    this.counterLevel = level;
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Height of the notice while it is pinned over the top of the messages. */
  pinnedInset() {
    return getComputedStyle(this.notice).position === "sticky" ? this.notice.offsetHeight : 0;
  }

  /**
   * Show the newest reply from its start: to the end if it fits, else its first line at the
   * top, so a long answer (a crisis reply's phone numbers) is not scrolled past.
   */
  revealTurn() {
    const first = this.turnStart;
    if (!first || !first.isConnected) {
      this.scrollToEnd();
      return;
    }
    if (first === this.welcome) { // nothing said yet: from the top, safety notice included
      this.scroller.scrollTop = 0;
      return;
    }
    const scroller = this.scroller;
    const top = first.getBoundingClientRect().top - scroller.getBoundingClientRect().top
      + scroller.scrollTop - this.pinnedInset() - 8;
    const end = scroller.scrollHeight - scroller.clientHeight;
    scroller.scrollTop = Math.max(0, Math.min(end, top));
  }

  // ---------------------------------------------------------------- open / close

  get isOpen() {
    return !this.panel.hidden;
  }

  /**
   * Open the panel. Focus goes to the text box after a click or a key press; after a tap it goes
   * to the panel itself, so a phone keyboard does not cover the welcome and the suggestions
   * until the visitor taps the box.
   */
  open({ focus = true, pointerType } = {}) {
    if (!this.styled) { // widget.css still on its way: open once it is there
      this.shell.styled.then(() => this.open({ focus, pointerType }));
      return;
    }
    this.panel.hidden = false;
    this.root.classList.add("kc-is-open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.removeAttribute("aria-busy");
    this.launcherText.textContent = "Close chat";
    this.store.wasOpen = true;
    this.unread = 0;
    this.badge.hidden = true;
    this.updateViewport();
    this.start();
    this.revealTurn();
    if (!focus) return;
    if (isTouch(pointerType)) this.panel.focus({ preventScroll: true });
    else this.input.focus({ preventScroll: true });
  }

  close() {
    this.panel.hidden = true;
    this.root.classList.remove("kc-is-open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcherText.textContent = this.config.launcherLabel;
    this.store.wasOpen = false;
    this.launcher.focus();
  }

  /**
   * Full screen on a phone: fit the panel to the part of the page the keyboard leaves visible
   * (browsers that only shrink the visual viewport would otherwise hide the composer under it).
   */
  watchViewport() {
    const viewport = window.visualViewport;
    if (!viewport) return;
    viewport.addEventListener("resize", () => this.updateViewport());
    viewport.addEventListener("scroll", () => this.updateViewport());
  }

  updateViewport() {
    const viewport = window.visualViewport;
    if (!viewport || !this.isOpen) return;
    if (Math.abs(viewport.scale - 1) > 0.01) { // pinch zoom: leave the layout alone
      this.host.style.removeProperty("--kc-vv-height");
      this.host.style.removeProperty("--kc-vv-top");
      return;
    }
    this.host.style.setProperty("--kc-vv-height", `${viewport.height}px`);
    this.host.style.setProperty("--kc-vv-top", `${viewport.offsetTop}px`);
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
      this.turnStart ||= bubble;
      this.revealTurn();
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
    if (button.kind === "tel") { // tel: and sms: links: the number is in the title
      return h("a", { class: "kc-chip kc-link", href: button.href }, button.title);
    }
    return h("button", {
      type: "button", class: "kc-chip kc-reply",
      onclick: (event) => this.useChip(event, button.payload, button.title),
    }, button.title);
  }

  /** A quick reply was used: send it, and keep focus in the chat although the chip goes away. */
  useChip(event, payload, title) {
    this.send(payload, title);
    if (isTouch(event.pointerType)) this.scroller.focus({ preventScroll: true });
    else this.input.focus({ preventScroll: true });
  }

  addUserMessage(text) {
    const bubble = this.userBubble(text);
    this.log.append(bubble);
    this.turnStart = null; // the replies to this message start a new turn
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
    const focused = this.shadow.activeElement;
    let lostFocus = false;
    for (const button of this.log.querySelectorAll("button.kc-reply")) {
      lostFocus ||= button === focused;
      button.remove();
    }
    for (const group of this.log.querySelectorAll(".kc-actions")) if (!group.children.length) group.remove();
    if (lostFocus) this.input.focus({ preventScroll: true });
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    if ([...text].length > MAX_CHARS) {
      this.updateCounter();
      this.counterStatus.textContent = this.counter.textContent;
      return; // kept whole in the box, never cut
    }
    this.input.value = "";
    this.autosize();
    this.updateCounter();
    this.send(text);
  }

  /** Send `text` to the bot, showing `display` (a button title) as the visitor's bubble. */
  send(text, display = text) {
    if (!text) return;
    this.retireReplyButtons();
    this.suggestions?.remove();
    const item = { id: Math.random().toString(36).slice(2) + Date.now().toString(36), text, display };
    const bubble = this.addUserMessage(display);
    this.store.started = true;
    this.deliver(item, bubble);
    this.broadcast({ type: "user", text: display });
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
    this.store.countSent();
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
    const brief = BRIEF[text];
    this.status.replaceChildren(...(!text ? [] : brief
      ? [h("span", { class: "kc-status-full", text }),
        h("span", { class: "kc-status-brief", "aria-hidden": "true", text: brief })]
      : [text]));
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
    });
    const shown = bubbles.filter(Boolean);
    if (!shown.length) return;
    // History goes right after the welcome message, before anything typed on this page view.
    const anchor = this.welcome ? this.welcome.nextSibling : this.log.firstChild;
    this.log.insertBefore(h("p", { class: "kc-note", text: "Earlier in this conversation" }), anchor);
    for (const bubble of shown) this.log.insertBefore(bubble, anchor);
    this.suggestions?.remove();
    if (!anchor) { // nothing typed since: show the last answer from its start
      const lastUser = bubbles.map((b) => b?.classList.contains("kc-from-user")).lastIndexOf(true);
      this.turnStart = bubbles.find((b, i) => i > lastUser && b?.classList.contains("kc-from-bot")) ?? null;
    }
    this.revealTurn();
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

  /**
   * Forget this conversation on this device and start a fresh one. Other tabs follow
   * (`sessionId` is the new conversation another tab started).
   */
  restart({ sessionId } = {}) {
    const old = this.socket;
    this.socket = null;
    old?.disconnect();
    this.ready = false;
    this.starting = false;
    this.awaitingReply = [];
    this.queued = new Map();
    this.historyLoaded = false;
    this.historyNote = null;
    this.turnStart = null;
    if (sessionId) this.store.adopt(sessionId);
    else this.store.reset();
    this.showTyping(false);
    this.log.replaceChildren();
    this.showWelcome();
    if (!sessionId) {
      this.broadcast({ type: "restart" });
      this.start();
      this.input.focus();
    } else if (this.isOpen) {
      this.start();
    }
  }

  // ---------------------------------------------------------------- other tabs

  /**
   * Tabs of one browser share the conversation (one id in localStorage, one socket.io room, so
   * each tab gets the bot's replies); the visitor's own messages and a restart are passed to
   * the other tabs here.
   */
  sync() {
    if (typeof BroadcastChannel !== "function") return;
    this.channel = new BroadcastChannel(SYNC_CHANNEL);
    this.channel.addEventListener("message", (event) => this.onSync(event.data));
  }

  broadcast(message) {
    try {
      this.channel?.postMessage({ ...message, sessionId: this.store.sessionId });
    } catch {
      /* closed channel: nothing to tell */
    }
  }

  onSync(message) {
    if (!message || typeof message !== "object" || typeof message.sessionId !== "string") return;
    if (message.type === "restart") {
      if (message.sessionId !== this.store.sessionId) this.restart({ sessionId: message.sessionId });
      return;
    }
    if (message.type !== "user" || typeof message.text !== "string") return;
    if (message.sessionId !== this.store.sessionId) return;
    this.store.started = true;
    // Not started here yet: the history brings this message when the chat is opened.
    if (!this.starting) return;
    this.retireReplyButtons();
    this.suggestions?.remove();
    this.addUserMessage(message.text);
    this.showTyping(true);
  }
}

/** Take over the launcher that the loader (widget.js) shows, and replay what was asked meanwhile. */
function boot() {
  const loader = window.ClinicChat?.boot;
  if (!loader || window.ClinicChat.widget) return; // not loaded by widget.js, or twice
  const { config } = loader;
  const mount = () => {
    const shell = loader.shell;
    if (loader.onLauncherClick) shell.launcher.removeEventListener("click", loader.onLauncherClick);
    shell.launcherText.textContent = config.launcherLabel;
    const widget = new ChatWidget(config, shell);
    window.ClinicChat = {
      widget,
      open: () => widget.open(),
      close: () => widget.close(),
      send: (text) => widget.send(String(text)),
    };
    for (const [call, args] of loader.pending) {
      if (call === "open") widget.open(args[0] || {});
      else if (call === "close") widget.close();
      else if (call === "send") widget.send(String(args[0]));
    }
    if (!widget.isOpen && (config.open || widget.store.wasOpen)) widget.open({ focus: false });
  };
  if (loader.shell) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
}

boot();
