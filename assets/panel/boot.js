// Starts the panel's WebAssembly module.
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
