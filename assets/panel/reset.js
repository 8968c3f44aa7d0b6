// The password-reset page: the token travels in the URL fragment, which
// browsers never send to a server or in a Referer header. With a second
// factor on, the reset asks for it: a code, or the account's passkey.
(() => {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const form = $("reset-form"), err = $("reset-error"), done = $("reset-done");
  let ceremony = null; // the passkey request the server sent, if any
  if (!token) {
    err.textContent = "This link is incomplete. Open the link from the mail again, or ask for a new one with Forgot password?.";
  }
  history.replaceState(null, "", location.pathname); // keep the token out of history

  const reset = async (extra) => {
    err.textContent = "";
    const pw = $("new-password").value;
    if (pw !== $("confirm-password").value) {
      err.textContent = "The two passwords do not match.";
      return;
    }
    $("reset-submit").disabled = true;
    $("reset-passkey").disabled = true;
    try {
      const resp = await fetch("/v1/password/reset", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token, newPassword: pw, code: $("code").value, ...extra }),
      });
      const body = await resp.json();
      if (resp.ok) {
        done.textContent = body.message;
        done.hidden = false;
        form.querySelectorAll("input, button").forEach((i) => (i.disabled = true));
        return;
      }
      if (body.error && body.error.code === 15) {
        ceremony = body.passkey || null;
        $("reset-passkey").hidden = !ceremony;
        $("code-row").hidden = !!ceremony && !body.codes;
      }
      err.textContent = body.error ? body.error.message : "The server answered " + resp.status + ".";
    } catch (e) {
      err.textContent = "You are offline or the server cannot be reached; try again in a moment.";
    } finally {
      $("reset-submit").disabled = !done.hidden;
      $("reset-passkey").disabled = !done.hidden;
    }
  };

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    reset({});
  });
  $("reset-passkey").addEventListener("click", async () => {
    if (!ceremony) return;
    let credential;
    try {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(ceremony.options.publicKey);
      credential = (await navigator.credentials.get({ publicKey })).toJSON();
    } catch (e) {
      err.textContent = e && e.name === "NotAllowedError"
        ? "The passkey request was cancelled or timed out. Try again when you are ready."
        : "The browser could not use a passkey: " + e;
      return;
    }
    const used = ceremony;
    ceremony = null;
    await reset({ passkey: { ceremony: used.ceremony, credential } });
    if (!done.hidden) return;
    if (!ceremony) reset({}); // each request is used once: ask for a new one
  });
})();
