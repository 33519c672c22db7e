// What the widget shows before its main script has arrived: the host element, its shadow
// root and the launcher button. The loader (loader.js, served as widget.js) builds it at once,
// styled by a small constructed stylesheet, so on a slow phone link the launcher appears after
// the loader alone; the main script (widget.js, served as widget.<hash>.js) then takes it over.
// A constructed stylesheet comes from this script, not from markup, so a strict
// Content-Security-Policy (style-src 'self', no 'unsafe-inline') allows it.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an element. Children that are strings become text nodes, never markup. */
export function h(tag, props = {}, ...children) {
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

export function icon(pathData) {
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

export const CHAT_ICON =
  "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm2 5v2h12V9H6zm0 4v2h8v-2H6z";

function adopt(shadow, css) {
  if (!css || !("adoptedStyleSheets" in shadow) || typeof CSSStyleSheet !== "function") return false;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
    return true;
  } catch {
    return false; // older browsers: wait for widget.css, which has the same rules
  }
}

/**
 * Host, shadow root, stylesheet link and launcher, appended to the page.
 * `styled` resolves when widget.<hash>.css has loaded (or failed).
 */
export function mountShell(config, criticalCss) {
  const host = h("div", { id: "clinic-chat-widget", "data-clinic-chat-widget": "" });
  host.style.setProperty("--kc-primary", config.primaryColor);
  host.style.setProperty("--kc-on-primary", config.primaryText);
  host.style.setProperty("--kc-primary-on-white", config.primaryOnWhite);
  const shadow = host.attachShadow({ mode: "open" });
  const root = h("div", { class: `kc-root kc-${config.position}` });
  const stylesheet = h("link", { rel: "stylesheet", href: config.stylesheetUrl });
  const styled = new Promise((resolve) => {
    stylesheet.addEventListener("load", resolve);
    stylesheet.addEventListener("error", resolve);
  });
  if (!adopt(shadow, criticalCss)) {
    root.hidden = true;
    styled.then(() => { root.hidden = false; });
  }
  shadow.append(stylesheet, root);

  const badge = h("span", { class: "kc-badge", hidden: true },
    h("span", { class: "kc-sr", text: "(new message)" }));
  const launcherText = h("span", { class: "kc-launcher-label", text: config.launcherLabel });
  const launcher = h("button", {
    type: "button", class: "kc-launcher", "aria-expanded": "false", "aria-controls": "kc-panel",
  }, icon(CHAT_ICON), launcherText, badge);
  root.append(launcher);
  document.body.append(host);
  return { host, shadow, root, launcher, launcherText, badge, styled };
}
