// Widget settings: data-* attributes of the <script> tag, or window.ClinicChatConfig.

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export const DEFAULTS = {
  serverUrl: "",            // the Rasa server (socket.io channel); default: where widget.js came from
  socketPath: "/socket.io",
  historyUrl: "",           // web server endpoint returning earlier messages; "off" to disable
  title: "Clinic assistant",
  subtitle: "Automated assistant",
  launcherLabel: "Chat with us",
  welcome:
    "Hello! I'm an automated assistant. I can answer general questions about ketamine infusion " +
    "therapy for treatment-resistant depression and help you book a consultation.",
  suggestions: ["How quickly does ketamine work?", "What are the side effects?", "I want to book a consultation"],
  primaryColor: "#1d4f91",
  position: "right",
  open: false,
};

function scriptElement() {
  return document.currentScript
    || document.querySelector("script[data-clinic-chat]")
    || Array.from(document.scripts).find((s) => /\/widget(\.min)?\.js(\?|#|$)/.test(s.src))
    || null;
}

function fromAttributes(script) {
  if (!script) return {};
  const d = script.dataset;
  const out = {};
  const keys = ["serverUrl", "socketPath", "historyUrl", "title", "subtitle", "launcherLabel",
    "welcome", "primaryColor", "position"];
  for (const key of keys) if (d[key] !== undefined) out[key] = d[key];
  if (d.suggestions !== undefined) out.suggestions = d.suggestions.split("|").map((s) => s.trim()).filter(Boolean);
  if (d.open !== undefined) out.open = d.open === "" || d.open === "true";
  return out;
}

function channel(hex) {
  const c = parseInt(hex, 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function luminance(colour) {
  let hex = colour.slice(1);
  if (hex.length === 3) hex = hex.split("").map((c) => c + c).join("");
  return 0.2126 * channel(hex.slice(0, 2)) + 0.7152 * channel(hex.slice(2, 4)) + 0.0722 * channel(hex.slice(4, 6));
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black text, whichever reads better on `background`. */
export function textColourFor(background) {
  return contrast(background, "#ffffff") >= contrast(background, "#111111") ? "#ffffff" : "#111111";
}

export function readConfig() {
  const script = scriptElement();
  const base = script?.src ? new URL(script.src, document.baseURI) : new URL(document.baseURI);
  const config = { ...DEFAULTS, ...(window.ClinicChatConfig || {}), ...fromAttributes(script) };
  config.serverUrl = String(config.serverUrl || base.origin).replace(/\/+$/, "");
  if (!config.historyUrl) config.historyUrl = new URL("/api/history/", base).href;
  if (config.historyUrl === "off") config.historyUrl = "";
  if (config.historyUrl && !config.historyUrl.endsWith("/")) config.historyUrl += "/";
  config.assetBase = base.href; // widget.<hash>.js and .css are next to widget.js
  if (!HEX_COLOUR.test(config.primaryColor)) config.primaryColor = DEFAULTS.primaryColor;
  config.primaryText = textColourFor(config.primaryColor);
  // Buttons and links on white use the brand colour only where it is readable there.
  config.primaryOnWhite = contrast(config.primaryColor, "#ffffff") >= 4.5 ? config.primaryColor : "#111111";
  config.position = config.position === "left" ? "left" : "right";
  if (!Array.isArray(config.suggestions)) config.suggestions = [];
  return config;
}
