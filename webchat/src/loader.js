// The one file clinic sites embed: <script src=".../widget.js" data-server-url="..." defer>.
//
// It is small and keeps its name (served with revalidation), reads the settings from its own
// script tag, shows the launcher at once and starts fetching the widget's script and styles in
// parallel. Those have a content hash in their names (widget.<hash>.js / .css, written in here
// by build.mjs), so they can be cached for a year: a new build gets new names.

import { readConfig } from "./config.js";
import { mountShell } from "./shell.js";

/* global __CLINIC_CHAT_SCRIPT__, __CLINIC_CHAT_STYLES__, __CLINIC_CHAT_CRITICAL_CSS__ */

(function load() {
  if (window.ClinicChat) return; // included twice
  const config = readConfig();
  config.stylesheetUrl = new URL(__CLINIC_CHAT_STYLES__, config.assetBase).href;

  // What the page asks for before the widget's script has run, replayed when it has.
  const boot = { config, shell: null, pending: [], onLauncherClick: null };
  const queue = (call) => (...args) => {
    if (window.ClinicChat.widget) window.ClinicChat[call](...args);
    else boot.pending.push([call, args]);
  };
  window.ClinicChat = { boot, open: queue("open"), close: queue("close"), send: queue("send") };

  const script = document.createElement("script");
  script.src = new URL(__CLINIC_CHAT_SCRIPT__, config.assetBase).href;
  script.async = true;
  (document.head || document.documentElement).append(script);

  const mount = () => {
    boot.shell = mountShell(config, __CLINIC_CHAT_CRITICAL_CSS__);
    const { launcher, launcherText } = boot.shell;
    // A tap before the script has arrived opens the chat as soon as it has.
    boot.onLauncherClick = (event) => {
      if (boot.pending.some(([call]) => call === "open")) return;
      boot.pending.push(["open", [{ pointerType: event.pointerType }]]);
      launcher.setAttribute("aria-busy", "true");
      launcherText.textContent = "Opening chat…";
    };
    launcher.addEventListener("click", boot.onLauncherClick);
  };
  if (document.body) mount();
  else {
    // In <head> without defer: start the styles now, show the launcher once there is a body.
    const preload = document.createElement("link");
    preload.rel = "preload";
    preload.as = "style";
    preload.href = config.stylesheetUrl;
    (document.head || document.documentElement).append(preload);
    document.addEventListener("DOMContentLoaded", mount, { once: true });
  }
})();
