/*
 * Miraie SafeMail — how the task pane proves who sends. The server says which way (GET /api/addin/sign-in):
 * "entra": an Entra ID access token for the add-in's own registration, got through Nested App Authentication (MSAL's
 * nestable client: Outlook brokers the token for the signed-in user; a popup only when consent or sign-in is needed);
 * "development": the development header; "none": nothing (the server answers 501 and names the settings).
 * Knows nothing of the pane's page. The pane merges SafeMailSignIn.headers() into every API request's headers.
 * Needs lib/msal-browser.min.js (MSAL Browser, global "msal") loaded before it for "entra".
 */
(function (global) {
  "use strict";

  /**
   * deps: fetch(url, init), msal (the MSAL Browser global), base() (the server's origin), userEmail() (Outlook's user,
   * for development mode only). Everything is looked up when first needed, so the page may load MSAL after this file.
   */
  function create(deps) {
    var config = null;
    var client = null;

    function loadConfig() {
      if (!config) {
        config = deps.fetch(deps.base() + "/api/addin/sign-in", { credentials: "omit" }).then(function (response) {
          if (!response.ok) { throw new Error("sign-in settings: HTTP " + response.status); }
          return response.json();
        });
        config.catch(function () { config = null; }); // asked again next time
      }
      return config;
    }

    function nestableClient(settings) {
      var msal = deps.msal();
      if (!msal || typeof msal.createNestablePublicClientApplication !== "function") {
        return Promise.reject(new Error("MSAL (lib/msal-browser.min.js) is not loaded"));
      }
      if (!client) {
        client = Promise.resolve(msal.createNestablePublicClientApplication({
          auth: { clientId: settings.clientId, authority: settings.authority }
        }));
        client.catch(function () { client = null; });
      }
      return client;
    }

    function bearer(settings) {
      var request = { scopes: settings.scopes };
      return nestableClient(settings).then(function (pca) {
        // Silent first (Outlook's signed-in user, MSAL's cache); interactive only when that fails (consent, MFA, expired).
        return pca.acquireTokenSilent(request).catch(function () { return pca.acquireTokenPopup(request); });
      }).then(function (result) {
        if (!result || !result.accessToken) { throw new Error("no access token"); }
        return { Authorization: "Bearer " + result.accessToken };
      });
    }

    return {
      /** The headers that identify the sender to the add-in API (a promise; rejects when no token can be had). */
      headers: function () {
        return loadConfig().then(function (settings) {
          if (settings.mode === "entra") { return bearer(settings); }
          if (settings.mode === "development") { return { "X-SafeMail-Dev-User": deps.userEmail() }; }
          return {};
        });
      }
    };
  }

  var api = { create: create };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  if (typeof global.fetch === "function" && typeof global.location !== "undefined") {
    // In the pane's page: one instance over the page's fetch, MSAL global and Outlook's user.
    var page = create({
      fetch: function (url, init) { return global.fetch(url, init); },
      msal: function () { return global.msal; },
      base: function () { return global.location.origin; },
      userEmail: function () { return global.Office.context.mailbox.userProfile.emailAddress; }
    });
    api.headers = page.headers;
  }
  global.SafeMailSignIn = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
