// The password-reset page: the token travels in the URL fragment, which
// browsers never send to a server or in a Referer header.
(() => {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const form = $("reset-form"), err = $("reset-error"), done = $("reset-done");
  if (!token) {
    err.textContent = "This link is incomplete. Open the link from the mail again, or ask for a new one with Forgot password?.";
  }
  history.replaceState(null, "", location.pathname); // keep the token out of history
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    const pw = $("new-password").value;
    if (pw !== $("confirm-password").value) {
      err.textContent = "The two passwords do not match.";
      return;
    }
    $("reset-submit").disabled = true;
    try {
      const resp = await fetch("/v1/password/reset", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token, newPassword: pw, code: $("code").value }),
      });
      const body = await resp.json();
      if (resp.ok) {
        done.textContent = body.message;
        done.hidden = false;
        form.querySelectorAll("input").forEach((i) => (i.disabled = true));
        return;
      }
      if (body.error && body.error.code === 15) $("code-row").hidden = false;
      err.textContent = body.error ? body.error.message : "The server answered " + resp.status + ".";
    } catch (e) {
      err.textContent = "You are offline or the server cannot be reached; try again in a moment.";
    } finally {
      $("reset-submit").disabled = !done.hidden;
    }
  });
})();
