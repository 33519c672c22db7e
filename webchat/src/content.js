// Turning what the bot sends into safe, plain data for the DOM.
//
// Nothing here produces HTML: message text is split into text runs and links
// (http(s) pages, tel: and sms: numbers), and buttons are classified into "send
// this as the visitor's message", "open this web page" or "call / text this
// number". The widget then builds elements with textContent and setAttribute only.

// A Markdown link [label](href), a bare http(s) URL, or a bare tel:/sms: URI.
const LINK_PATTERN =
  /\[([^\]\n]{1,200})\]\(\s*((?:https?:\/\/|tel:|sms:)[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)\s*\)|\bhttps?:\/\/[^\s<>"'`]+|\b(?:tel|sms):\+?[\d(][\d\s().-]*\d(?:\?&?body=[^\s<>"'`]*)?/gi;

/** The normalised href of an http(s) URL, or null for anything else (javascript:, data:, ...). */
export function httpUrl(value) {
  if (typeof value !== "string" || !/^https?:\/\//i.test(value.trim())) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The normalised href of a tel: or sms: URI ("tel:1-800-222-1222" -> "tel:18002221222",
 * "sms:741741?&body=HOME" keeps its message body, re-encoded), or null.
 */
export function phoneUrl(value) {
  const match = /^(tel|sms):([^?]*)(?:\?&?body=(.*))?$/i.exec(String(value ?? "").trim());
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  const number = match[2].replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  if (!/\d{2,}/.test(number)) return null;
  if (scheme === "sms" && match[3]) {
    let body;
    try {
      body = decodeURIComponent(match[3].replace(/\+/g, " "));
    } catch {
      body = match[3];
    }
    return `sms:${number}?&body=${encodeURIComponent(body)}`;
  }
  return `${scheme}:${number}`;
}

/** The href of a link the widget may show: http(s) pages, tel: and sms: numbers. */
export function safeHref(value) {
  return httpUrl(value) || phoneUrl(value);
}

function count(text, char) {
  return text.split(char).length - 1;
}

/** Drop sentence punctuation glued to the end of a URL ("see https://x.org/a." -> ".../a"). */
function trimUrl(url) {
  for (;;) {
    const before = url;
    url = url.replace(/[.,;:!?'"*]+$/, "");
    if (url.endsWith(")") && count(url, "(") < count(url, ")")) url = url.slice(0, -1);
    if (url === before) return url;
  }
}

/**
 * Split message text into runs: {type: "text", text} and {type: "link", text, href}.
 * Only http(s) URLs, tel:/sms: numbers and Markdown links to them become links;
 * everything else stays text, shown literally.
 */
export function splitLinks(text) {
  const source = String(text ?? "");
  const parts = [];
  let last = 0;
  for (const match of source.matchAll(LINK_PATTERN)) {
    let raw;
    let label;
    let href;
    if (match[1] !== undefined) { // [label](href)
      raw = match[0];
      label = match[1].trim();
      href = safeHref(match[2]);
    } else {
      raw = /^https?:/i.test(match[0]) ? trimUrl(match[0]) : match[0].replace(/[.,;:!?]+$/, "");
      label = raw;
      href = safeHref(raw);
    }
    if (!href || !label) continue;
    if (match.index > last) parts.push({ type: "text", text: source.slice(last, match.index) });
    parts.push({ type: "link", text: label, href });
    last = match.index + raw.length;
  }
  if (last < source.length) parts.push({ type: "text", text: source.slice(last) });
  return parts;
}

/**
 * What a bot button does:
 *  - "/intent" payloads, and any other text, are sent back as the visitor's message
 *    (the button title is what the visitor sees in their bubble);
 *  - http(s) payloads (or a `url`) open in a new tab;
 *  - "tel:" and "sms:" payloads are phone links (kind "tel").
 */
export function classifyButton(button) {
  const title = String(button?.title ?? button?.payload ?? "").trim();
  const payload = String(button?.payload ?? button?.url ?? button?.title ?? "").trim();
  const href = httpUrl(button?.url ?? payload);
  if (href) return { kind: "link", title: title || href, href };
  if (/^(tel|sms):/i.test(payload)) {
    const phone = phoneUrl(payload);
    if (phone) return { kind: "tel", title: title || phone.replace(/^\w+:|\?.*$/g, ""), href: phone };
  }
  return { kind: "reply", title: title || payload, payload };
}

/** One `bot_uttered` payload as {text, buttons, links}. Unknown shapes become empty text. */
export function botMessage(data) {
  if (typeof data === "string") return { text: data, buttons: [] };
  if (!data || typeof data !== "object") return { text: "", buttons: [] };
  const text = typeof data.text === "string" ? data.text : "";
  const raw = Array.isArray(data.quick_replies) && data.quick_replies.length
    ? data.quick_replies
    : Array.isArray(data.buttons) ? data.buttons : [];
  const buttons = raw.filter((b) => b && typeof b === "object").map(classifyButton)
    .filter((b) => b.title);
  const attachment = data.attachment;
  if (attachment && typeof attachment === "object") {
    const src = httpUrl(attachment.payload?.src ?? attachment.payload?.url ?? attachment.url);
    if (src) buttons.push({ kind: "link", title: attachment.type === "image" ? "Open image" : "Open attachment", href: src });
  }
  return { text, buttons };
}
