// The page an application's OpenID Connect sign-in passes through: it asks
// the server what comes next for the request in ?id=, with this browser's
// session. Signed out (or signed in too long ago for the application),
// the panel's own sign-in runs (password, two-factor, passkey) and comes
// back here; a third-party application's first sign-in asks for consent;
// then the browser goes back to the application with a code.
(() => {
  const id = new URLSearchParams(location.search).get("id") || "";
  const $ = (x) => document.getElementById(x);
  const err = $("authorize-error"), status = $("authorize-status");

  const post = async (path, body) => {
    const resp = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const text = await resp.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch (e) { /* not JSON */ }
    return { ok: resp.ok, status: resp.status, data };
  };
  const fail = (r) => {
    status.textContent = "";
    $("authorize-title").textContent = "This sign-in cannot go on";
    err.textContent = r.data && r.data.error ? r.data.error.message : "The server answered " + r.status + ". Try again in a moment.";
  };

  const follow = (r) => {
    if (!r.ok) return fail(r);
    const next = r.data;
    if (next.redirect) {
      status.textContent = "Going back to the application…";
      location.replace(next.redirect);
      return;
    }
    if (next.signIn) {
      const back = "/authorize?id=" + encodeURIComponent(id);
      location.replace("/?next=" + encodeURIComponent(back) + (next.fresh ? "&fresh=1" : ""));
      return;
    }
    if (next.consent) {
      $("authorize-title").textContent = "Allow " + next.consent.app + "?";
      status.hidden = true;
      $("authorize-app").textContent = next.consent.app;
      const list = $("authorize-scopes");
      list.replaceChildren(...next.consent.scopes.map((s) => {
        const li = document.createElement("li");
        li.textContent = s;
        return li;
      }));
      $("authorize-consent").hidden = false;
      $("authorize-allow").focus();
    }
  };

  const answer = async (allow) => {
    err.textContent = "";
    $("authorize-allow").disabled = $("authorize-deny").disabled = true;
    const r = await post("/v1/oidc/requests/" + encodeURIComponent(id) + "/consent", { allow });
    $("authorize-allow").disabled = $("authorize-deny").disabled = false;
    if (r.status === 401) return load();
    follow(r);
  };
  $("authorize-allow").addEventListener("click", () => answer(true));
  $("authorize-deny").addEventListener("click", () => answer(false));

  const load = async () => {
    if (!id) {
      fail({ status: 400, data: { error: { message: "This address has no sign-in request. Go back to the application and sign in again." } } });
      return;
    }
    follow(await post("/v1/oidc/requests/" + encodeURIComponent(id)));
  };
  load();
})();
