// The page a desktop app opens to sign in through the browser: the code
// travels in the URL fragment. The user signs in here (with a passkey, or
// the panel with a password), checks the code matches the app's, and
// approves; the app then gets a session of its own.
(() => {
  const code = new URLSearchParams(location.hash.slice(1)).get("code") || "";
  const $ = (id) => document.getElementById(id);
  const err = $("link-error"), done = $("link-done");
  $("link-code").textContent = code;
  // A password sign-in happens in the panel, in another tab: on coming
  // back, look again.
  window.addEventListener("focus", () => { if (done.hidden) load(); });

  const api = async (method, path, body) => {
    const resp = await fetch(path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await resp.text();
    const data = text ? JSON.parse(text) : {};
    return { ok: resp.ok, status: resp.status, data };
  };
  const fail = (r) => {
    err.textContent = r.data && r.data.error ? r.data.error.message : "The server answered " + r.status + ".";
  };

  const load = async () => {
    err.textContent = "";
    if (!code) {
      err.textContent = "This link has no code. Start the sign-in again in the DialNexa app.";
      return;
    }
    const r = await api("GET", "/v1/signin/browser/" + encodeURIComponent(code));
    if (r.status === 401) {
      $("link-signin").hidden = false;
      $("link-ask").hidden = true;
      return;
    }
    if (!r.ok) return fail(r);
    $("link-signin").hidden = true;
    $("link-ask").hidden = false;
    $("link-device").textContent = r.data.device + " · " + r.data.location + " · " + r.data.address;
  };

  $("link-passkey").addEventListener("click", async () => {
    err.textContent = "";
    try {
      const start = await api("POST", "/v1/signin/passkey/options", {});
      if (!start.ok) return fail(start);
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(start.data.options.publicKey);
      const credential = (await navigator.credentials.get({ publicKey })).toJSON();
      const r = await api("POST", "/v1/signin/passkey", { ceremony: start.data.ceremony, credential });
      if (!r.ok) return fail(r);
      await load();
    } catch (e) {
      err.textContent = e && e.name === "NotAllowedError"
        ? "The passkey request was cancelled or timed out. Try again when you are ready."
        : "The browser could not use a passkey: " + e;
    }
  });

  const answer = async (verb) => {
    err.textContent = "";
    const r = await api("POST", "/v1/signin/browser/" + encodeURIComponent(code) + "/" + verb, { password: $("link-pw").value });
    if (r.ok) {
      $("link-ask").hidden = true;
      done.hidden = false;
      done.textContent = verb === "approve"
        ? "Approved. The DialNexa app is signing in; you can close this page."
        : "Denied. The app was not signed in.";
      return;
    }
    if (r.data.error && r.data.error.code === 18) $("link-password-row").hidden = false;
    fail(r);
  };
  $("link-approve").addEventListener("click", () => answer("approve"));
  $("link-deny").addEventListener("click", () => answer("deny"));
  load();
})();
