// The invitation page: accepts with this browser's DialNexa session. The
// token travels in the URL fragment, never sent to a server by the browser.
(async () => {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const status = document.getElementById("invite-status");
  const err = document.getElementById("invite-error");
  const fail = (msg) => { status.textContent = ""; err.textContent = msg; };
  if (!token) return fail("This link is incomplete. Open the link from the mail again.");
  try {
    const resp = await fetch("/v1/invitations/accept", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    const body = await resp.json();
    if (resp.ok) {
      history.replaceState(null, "", location.pathname);
      status.textContent = body.message;
      status.classList.add("success");
    } else if (resp.status === 401) {
      fail("Sign in to DialNexa Account in this browser with the invited address (or create an account with it), then open the link again.");
    } else {
      history.replaceState(null, "", location.pathname);
      fail(body.error ? body.error.message : "The server answered " + resp.status + ".");
    }
  } catch (e) {
    fail("You are offline or the server cannot be reached; open the link again in a moment.");
  }
})();
