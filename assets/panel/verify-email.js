// The email-verification page: the token travels in the URL fragment, which
// browsers never send to a server or in a Referer header.
(async () => {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const status = document.getElementById("verify-status");
  const err = document.getElementById("verify-error");
  history.replaceState(null, "", location.pathname);
  if (!token) {
    status.textContent = "";
    err.textContent = "This link is incomplete. Open the link from the mail again.";
    return;
  }
  try {
    const resp = await fetch("/v1/email/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    const body = await resp.json();
    status.textContent = resp.ok ? body.message : "";
    status.classList.toggle("success", resp.ok);
    if (!resp.ok) err.textContent = body.error ? body.error.message : "The server answered " + resp.status + ".";
  } catch (e) {
    status.textContent = "";
    err.textContent = "You are offline or the server cannot be reached; open the link again in a moment.";
  }
})();
