// What the widget keeps in the browser: the conversation id (so a reload continues the
// same conversation), whether anything was said yet, and messages typed while the chat
// server was unreachable (so they are sent when it is back, even after a reload).
// No message the server already has is stored here: history comes from the tracker store.

const KEY = "clinicChat.v1";
const OPEN_KEY = "clinicChat.open";

function storage(kind) {
  try {
    const s = window[kind];
    const probe = "__clinicChat__";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null; // blocked cookies / private mode: keep everything in memory
  }
}

export function newSessionId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const SESSION_ID_PATTERN = /^[0-9a-f]{32}$/;

export class Store {
  constructor() {
    this.local = storage("localStorage");
    this.session = storage("sessionStorage");
    const saved = this.read();
    this.sessionId = SESSION_ID_PATTERN.test(saved.sessionId) ? saved.sessionId : newSessionId();
    this.started = saved.started === true;
    this.sent = Number.isInteger(saved.sent) ? saved.sent : 0;
    this.outbox = Array.isArray(saved.outbox)
      ? saved.outbox.filter((m) => m && typeof m.text === "string" && typeof m.id === "string")
      : [];
    this.save();
  }

  read() {
    try {
      const saved = JSON.parse(this.local?.getItem(KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch {
      return {};
    }
  }

  /** One more message sent; other tabs of this conversation count theirs in the same place. */
  countSent() {
    const saved = this.read();
    if (saved.sessionId === this.sessionId && Number.isInteger(saved.sent)) {
      this.sent = Math.max(this.sent, saved.sent);
    }
    this.sent += 1;
    this.save();
  }

  save() {
    try {
      this.local?.setItem(KEY, JSON.stringify({
        sessionId: this.sessionId, started: this.started, sent: this.sent, outbox: this.outbox,
      }));
    } catch {
      /* quota or blocked: the conversation still works for this page view */
    }
  }

  /** Forget this conversation in this browser (the "new conversation" button). */
  reset() {
    this.sessionId = newSessionId();
    this.started = false;
    this.sent = 0;
    this.outbox = [];
    this.save();
  }

  /** Continue the conversation another tab of this browser started. */
  adopt(sessionId) {
    if (!SESSION_ID_PATTERN.test(sessionId)) return;
    this.sessionId = sessionId;
    this.started = false;
    this.sent = 0;
    this.outbox = [];
  }

  get wasOpen() {
    return this.session?.getItem(OPEN_KEY) === "1";
  }

  set wasOpen(open) {
    try {
      this.session?.setItem(OPEN_KEY, open ? "1" : "0");
    } catch {
      /* ignore */
    }
  }
}
