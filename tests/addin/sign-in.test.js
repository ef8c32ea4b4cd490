// How the pane proves who sends: the server's sign-in mode, MSAL's nestable client silent first then a popup, the
// development header only when the server is in development mode.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const acorn = require("acorn");

const file = path.join(__dirname, "../../src/Miraie.SafeMail.Web/wwwroot/addin/sign-in.js");
const signIn = require(file);

const ENTRA = {
  mode: "entra",
  clientId: "3f2a8b71-94c6-4d05-b1e8-7a6c5d2e9f10",
  authority: "https://login.microsoftonline.com/6c3ea9f0-2f4b-4f8e-9d2a-0e7b6d1c4a51",
  scopes: ["api://3f2a8b71-94c6-4d05-b1e8-7a6c5d2e9f10/access_as_user"],
};

function fakeServer(answers) {
  const calls = [];
  return {
    calls,
    fetch(url, init) {
      calls.push({ url, init });
      const next = answers.length > 1 ? answers.shift() : answers[0];
      if (next instanceof Error) { return Promise.reject(next); }
      return Promise.resolve({ ok: next.status === undefined, status: next.status || 200, json: () => Promise.resolve(next) });
    },
  };
}

function fakeMsal({ silent, popup }) {
  const log = { created: [], silent: [], popup: [] };
  return {
    log,
    msal: {
      createNestablePublicClientApplication(configuration) {
        log.created.push(configuration);
        return Promise.resolve({
          acquireTokenSilent(request) { log.silent.push(request); return silent(); },
          acquireTokenPopup(request) { log.popup.push(request); return popup(); },
        });
      },
    },
  };
}

function make(server, msal) {
  return signIn.create({
    fetch: server.fetch,
    msal: () => msal,
    base: () => "https://safemail.example.co.jp",
    userEmail: () => "tanaka@example.co.jp",
  });
}

test("entra: a token got silently through the nestable client is sent as a bearer token", async () => {
  const server = fakeServer([ENTRA]);
  const fake = fakeMsal({ silent: () => Promise.resolve({ accessToken: "token-1" }), popup: () => assert.fail("no popup") });
  const auth = make(server, fake.msal);
  assert.deepEqual(await auth.headers(), { Authorization: "Bearer token-1" });
  assert.deepEqual(await auth.headers(), { Authorization: "Bearer token-1" });
  assert.equal(server.calls.length, 1, "the sign-in settings are asked once");
  assert.equal(server.calls[0].url, "https://safemail.example.co.jp/api/addin/sign-in");
  assert.deepEqual(fake.log.created, [{ auth: { clientId: ENTRA.clientId, authority: ENTRA.authority } }], "one client");
  assert.deepEqual(fake.log.silent[0], { scopes: ENTRA.scopes });
});

test("entra: when the silent request fails (consent, sign-in), a popup is asked for; no development header ever", async () => {
  const fake = fakeMsal({ silent: () => Promise.reject(new Error("interaction_required")), popup: () => Promise.resolve({ accessToken: "token-2" }) });
  const headers = await make(fakeServer([ENTRA]), fake.msal).headers();
  assert.deepEqual(headers, { Authorization: "Bearer token-2" });
  assert.equal(fake.log.popup.length, 1);
});

test("entra: no token at all rejects, so the pane shows the failure instead of calling the API unsigned", async () => {
  const fake = fakeMsal({ silent: () => Promise.reject(new Error("interaction_required")), popup: () => Promise.reject(new Error("user_cancelled")) });
  await assert.rejects(make(fakeServer([ENTRA]), fake.msal).headers(), /user_cancelled/);
  await assert.rejects(make(fakeServer([ENTRA]), undefined).headers(), /MSAL/);
});

test("development mode sends Outlook's user in the development header; none sends nothing", async () => {
  assert.deepEqual(await make(fakeServer([{ mode: "development" }]), undefined).headers(), { "X-SafeMail-Dev-User": "tanaka@example.co.jp" });
  assert.deepEqual(await make(fakeServer([{ mode: "none" }]), undefined).headers(), {});
});

test("an unreachable server is asked again next time", async () => {
  const server = fakeServer([new Error("offline"), { status: 503 }, { mode: "development" }]);
  const auth = make(server, undefined);
  await assert.rejects(auth.headers(), /offline/);
  await assert.rejects(auth.headers(), /503/);
  assert.deepEqual(await auth.headers(), { "X-SafeMail-Dev-User": "tanaka@example.co.jp" });
});

test("the file parses as a plain script (no modules) and the bundled MSAL offers the nestable client", () => {
  assert.doesNotThrow(() => acorn.parse(fs.readFileSync(file, "utf8"), { ecmaVersion: 2016, sourceType: "script" }));
  const msal = fs.readFileSync(path.join(path.dirname(file), "lib", "msal-browser.min.js"), "utf8");
  assert.match(msal, /^\/\*! @azure\/msal-browser v5\.29\.0 /);
  assert.match(msal, /createNestablePublicClientApplication/);
});
