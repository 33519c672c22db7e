// Turning what the bot sends into safe, plain data for the DOM.
//
// Nothing here produces HTML: message text is split into text runs and http(s)
// links, and buttons are classified into "send this as the visitor's message",
// "open this web page" or "call this number". The widget then builds elements
// with textContent and setAttribute only.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

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
 * Only http(s) URLs become links; everything else stays text, shown literally.
 */
export function splitLinks(text) {
  const source = String(text ?? "");
  const parts = [];
  let last = 0;
  for (const match of source.matchAll(URL_PATTERN)) {
    const raw = trimUrl(match[0]);
    const href = httpUrl(raw);
    if (!href) continue;
    if (match.index > last) parts.push({ type: "text", text: source.slice(last, match.index) });
    parts.push({ type: "link", text: raw, href });
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
 *  - "tel:" payloads are phone links.
 */
export function classifyButton(button) {
  const title = String(button?.title ?? button?.payload ?? "").trim();
  const payload = String(button?.payload ?? button?.url ?? button?.title ?? "").trim();
  const href = httpUrl(button?.url ?? payload);
  if (href) return { kind: "link", title: title || href, href };
  if (/^tel:/i.test(payload)) {
    const number = payload.slice(4).replace(/[^\d+]/g, "");
    if (number) return { kind: "tel", title: title || number, href: `tel:${number}` };
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
