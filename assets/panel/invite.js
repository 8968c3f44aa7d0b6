// The invitation page: shows what the invitation offers (the workspace,
// who invited, the role) and answers it with this browser's DialNexa
// session: Accept or Decline. Signed out, it sends the browser to sign in
// (or up) and comes back. The token travels in the URL fragment, never
// sent to a server by the browser, and waits in the tab's session storage
// while the user signs in.
(() => {
  const $ = (id) => document.getElementById(id);
  const status = $("invite-status"), err = $("invite-error"), offer = $("invite-offer");
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink) {
    sessionStorage.setItem("dialnexa-invitation", fromLink);
    history.replaceState(null, "", location.pathname);
  }
  const token = sessionStorage.getItem("dialnexa-invitation") || "";
  const say = (msg, ok) => {
    status.textContent = ok ? msg : "";
    status.classList.toggle("success", !!ok);
    err.textContent = ok ? "" : msg;
  };
  const done = () => { sessionStorage.removeItem("dialnexa-invitation"); offer.hidden = true; $("invite-open").hidden = false; };
  const post = async (path) => {
    const resp = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
    let body = {};
    try { body = await resp.json(); } catch (e) {}
    return { resp, body, message: body.error ? body.error.message : "The server answered " + resp.status + "." };
  };
  if (!token) {
    say("This link is incomplete. Open the link from the mail again.");
    return;
  }
  const answer = async (path) => {
    $("invite-accept").disabled = $("invite-decline").disabled = true;
    try {
      const r = await post(path);
      if (r.resp.ok) {
        say(r.body.message, true);
        done();
      } else {
        say(r.message);
        $("invite-accept").disabled = $("invite-decline").disabled = false;
      }
    } catch (e) {
      say("You are offline or the server cannot be reached; try again in a moment.");
      $("invite-accept").disabled = $("invite-decline").disabled = false;
    }
  };
  $("invite-accept").addEventListener("click", () => answer("/v1/invitations/accept"));
  $("invite-decline").addEventListener("click", () => answer("/v1/invitations/decline"));
  (async () => {
    try {
      const r = await post("/v1/invitations/preview");
      if (r.resp.status === 401) {
        // Signed out: sign in (or up), then back here.
        status.textContent = "";
        $("invite-signin").hidden = false;
        $("invite-signin-link").href = "/?next=" + encodeURIComponent("/invite");
        return;
      }
      if (!r.resp.ok) {
        say(r.message);
        sessionStorage.removeItem("dialnexa-invitation");
        return;
      }
      const p = r.body;
      status.textContent = "";
      $("invite-what").textContent = p.invitedBy + " invited you (" + p.email + ") to join " + p.workspace + " as " + (p.role === "admin" ? "an admin" : "a member") + ".";
      offer.hidden = false;
      $("invite-accept").focus();
    } catch (e) {
      say("You are offline or the server cannot be reached; open the link again in a moment.");
    }
  })();
})();
