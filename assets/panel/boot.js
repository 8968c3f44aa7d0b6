// Starts the panel's WebAssembly module, and registers the service worker
// that lets the panel open offline and offers a new build when there is
// one.
(async () => {
  const go = new Go();
  try {
    const resp = fetch("panel.wasm");
    const { instance } = await WebAssembly.instantiateStreaming(resp, go.importObject);
    await go.run(instance);
  } catch (err) {
    const app = document.getElementById("app");
    app.textContent = "DialNexa Account could not start: " + err;
  }
})();

if ("serviceWorker" in navigator) {
  (async () => {
    let reg;
    try {
      reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    } catch (err) {
      return; // no offline start, nothing else lost
    }
    const offer = (worker) => {
      if (!worker || !navigator.serviceWorker.controller || document.getElementById("update")) return;
      const bar = document.createElement("div");
      bar.id = "update";
      bar.className = "update";
      bar.setAttribute("role", "status");
      const text = document.createElement("span");
      text.textContent = "A new version of DialNexa Account is ready.";
      const button = document.createElement("button");
      button.type = "button";
      button.id = "update-reload";
      button.className = "primary";
      button.textContent = "Reload";
      button.addEventListener("click", () => worker.postMessage("activate"));
      bar.append(text, button);
      document.body.prepend(bar);
    };
    const watch = (worker) => {
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed") offer(worker);
      });
    };
    offer(reg.waiting);
    watch(reg.installing);
    reg.addEventListener("updatefound", () => watch(reg.installing));
    let reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // The new build took over after the user chose to reload (a first
      // install claims the page too, and changes nothing it shows).
      if (reloading || !document.getElementById("update")) return;
      reloading = true;
      location.reload();
    });
    // Look for a new build when the page comes back and every hour.
    const check = () => reg.update().catch(() => {});
    window.addEventListener("online", check);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") check(); });
    setInterval(check, 60 * 60 * 1000);
  })();
}
