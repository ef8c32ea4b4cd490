/*
 * Miraie SafeMail — Outlook send handler (OnMessageSend, Smart Alerts, SoftBlock), and OnNewMessageCompose's snapshot of
 * who was in the thread when a reply or forward was opened (for the pane's "new domain" flag).
 *
 * Runs in classic Outlook's JavaScript-only runtime too: one file, no imports, no DOM, no localStorage, ES2016 syntax
 * (no async/await; tests/addin parses it as ES2016). It allows the send when the sender already confirmed exactly these
 * recipients and attachments in the task pane (a fingerprint in item.sessionData), or when the policy asks for nothing;
 * otherwise it blocks with a short message whose button opens the task pane. Every path ends in event.completed.
 * The backend address is written into this file when safemail-web serves it (SAFEMAIL_BASE).
 */
(function (global) {
  "use strict";

  var SAFEMAIL_BASE = "__SAFEMAIL_BASE__";
  var SESSION_KEY = "safemailConfirmation";
  var POLICY_KEY = "safemailPolicy";
  var POLICY_TIMEOUT_MS = 4000; // Outlook shows "taking longer" after about five seconds
  var PANE_COMMAND = "SafeMailOpenPane";
  var THREAD_KEY = "safemailThread"; // { composeType, addresses } kept when a reply or forward was opened
  var THREAD_MAX_CHARS = 20000; // sessionData holds 50,000 characters in all on older Outlook: leave room for the rest

  var TEXTS = {
    ja: {
      unconfirmed: "送信前に宛先と添付ファイルの確認が必要です。",
      external: "社外の宛先: {n}件",
      attachments: "添付ファイル: {n}件",
      changed: "確認後に宛先または添付ファイルが変更されました。",
      action: "「宛先確認・暗号化」で確認してから、もう一度送信してください。",
      offline: "SafeMail のサーバーに接続できないため、宛先を確認できません。ネットワークを確認してから、もう一度送信してください。",
      button: "確認する"
    },
    en: {
      unconfirmed: "Please confirm the recipients and attachments before sending.",
      external: "External recipients: {n}",
      attachments: "Attachments: {n}",
      changed: "Recipients or attachments changed after you confirmed them.",
      action: "Open \"Check and encrypt\", confirm, then send again.",
      offline: "SafeMail cannot reach its server, so the recipients cannot be checked. Check the network and send again.",
      button: "Check now"
    }
  };

  function lower(text) {
    return String(text || "").trim().toLowerCase();
  }

  function domainOf(address) {
    var at = lower(address).lastIndexOf("@");
    return at < 0 ? "" : lower(address).slice(at + 1);
  }

  function unique(list) {
    return list.filter(function (x, i, all) { return x && all.indexOf(x) === i; });
  }

  /** True when the address is in one of the internal domains ("example.co.jp" exactly, "*.example.co.jp" for subdomains). */
  function isInternal(address, internalDomains) {
    var domain = domainOf(address);
    if (!domain) {
      return false;
    }
    return (internalDomains || []).some(function (pattern) {
      var p = lower(pattern);
      if (p.indexOf("*.") === 0) {
        var parent = p.slice(2);
        return domain.length > parent.length && domain.slice(-(parent.length + 1)) === "." + parent;
      }
      return domain === p;
    });
  }

  /** The exact set confirmed: recipients (all fields, lower case, sorted) and attachments (name and size, sorted). */
  function fingerprint(recipients, attachments) {
    var r = recipients.map(lower).filter(function (a) { return a; }).sort();
    var a = attachments.map(function (x) { return x.name + "\u0000" + x.size; }).sort();
    return "v1\u0001" + r.join("\u0002") + "\u0001" + a.join("\u0002");
  }

  /**
   * Decides from plain data (tested without Outlook): { allow, reason, external, attachments }.
   * policy.confirm: "always" | "external" (default: external recipients or any attachment) | "never".
   */
  function decide(input) {
    var policy = input.policy || {};
    var external = input.recipients.filter(function (r) { return !isInternal(r, policy.internalDomains); });
    var attachments = input.attachments.filter(function (x) { return !x.isInline; });
    var current = fingerprint(input.recipients, attachments);
    var result = { external: external.length, attachments: attachments.length, fingerprint: current };
    if (input.confirmed && input.confirmed === current) {
      result.allow = true;
      result.reason = "confirmed";
    } else if (policy.confirm === "never") {
      result.allow = true;
      result.reason = "policy-never";
    } else if (policy.confirm !== "always" && external.length === 0 && attachments.length === 0) {
      result.allow = true;
      result.reason = "nothing-to-confirm";
    } else {
      result.allow = false;
      result.reason = input.confirmed ? "changed" : "unconfirmed";
    }
    return result;
  }

  /** The Smart Alerts text, at most 500 characters. */
  function message(language, decision) {
    var t = TEXTS[language] || TEXTS.en;
    if (decision.reason === "offline") {
      return t.offline.slice(0, 500);
    }
    var lines = [decision.reason === "changed" ? t.changed : t.unconfirmed];
    if (decision.external > 0) {
      lines.push(t.external.replace("{n}", decision.external));
    }
    if (decision.attachments > 0) {
      lines.push(t.attachments.replace("{n}", decision.attachments));
    }
    lines.push(t.action);
    return lines.join("\n").slice(0, 500);
  }

  function languageOf(office) {
    var tag = lower(office && office.context && office.context.displayLanguage);
    return tag.indexOf("ja") === 0 ? "ja" : "en";
  }

  /** Calls an Office.js async method (any arguments before the callback) as a promise. */
  function getAsync(source, method) {
    var args = Array.prototype.slice.call(arguments, 2);
    return new Promise(function (resolve, reject) {
      args.push(function (result) {
        if (result.status === "succeeded") {
          resolve(result.value);
        } else {
          reject(result.error || new Error(method + " failed"));
        }
      });
      source[method].apply(source, args);
    });
  }

  function fetchPolicy(office, fetchFn) {
    var settings = office.context.roamingSettings;
    var request = new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timeout")); }, POLICY_TIMEOUT_MS);
      fetchFn(SAFEMAIL_BASE + "/api/addin/policy", { credentials: "omit" }).then(function (response) {
        clearTimeout(timer);
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }).then(resolve, function (error) {
        clearTimeout(timer);
        reject(error);
      });
    });
    return request.then(function (policy) {
      if (settings) {
        settings.set(POLICY_KEY, policy); // the last policy seen, for when the server cannot be reached
        settings.saveAsync(function () {});
      }
      return policy;
    }, function () {
      var cached = settings && settings.get(POLICY_KEY);
      if (cached && cached.offline === "use-cached") {
        return cached;
      }
      return null; // no usable policy: block with the offline message (fail closed)
    });
  }

  function onMessageSendHandler(event, deps) {
    var office = (deps && deps.office) || global.Office;
    var fetchFn = (deps && deps.fetch) || global.fetch;
    var language = "en";
    var done = false;
    function complete(options) {
      if (!done) {
        done = true;
        event.completed(options);
      }
    }
    try {
      language = languageOf(office);
      var item = office.context.mailbox.item;
      var recipients = Promise.all([getAsync(item.to, "getAsync"), getAsync(item.cc, "getAsync"), getAsync(item.bcc, "getAsync")])
        .then(function (lists) {
          return lists[0].concat(lists[1], lists[2]).map(function (r) { return r.emailAddress; });
        });
      var attachments = getAsync(item, "getAttachmentsAsync").then(function (list) {
        return list.map(function (x) { return { name: x.name, size: x.size, isInline: !!x.isInline }; });
      });
      var confirmed = getAsync(item.sessionData, "getAsync", SESSION_KEY).then(null, function () { return null; });
      Promise.all([recipients, attachments, confirmed, fetchPolicy(office, fetchFn)]).then(function (values) {
        if (!values[3]) {
          complete({ allowEvent: false, errorMessage: message(language, { reason: "offline" }), cancelLabel: TEXTS[language].button, commandId: PANE_COMMAND });
          return;
        }
        var decision = decide({ recipients: values[0], attachments: values[1], confirmed: values[2], policy: values[3] });
        if (decision.allow) {
          complete({ allowEvent: true });
        } else {
          complete({
            allowEvent: false,
            errorMessage: message(language, decision),
            cancelLabel: TEXTS[language].button,
            commandId: PANE_COMMAND,
            contextData: JSON.stringify({ reason: decision.reason, fingerprint: decision.fingerprint })
          });
        }
      }).then(null, function () {
        complete({ allowEvent: false, errorMessage: message(language, { reason: "offline" }), cancelLabel: TEXTS[language].button, commandId: PANE_COMMAND });
      });
    } catch (e) {
      complete({ allowEvent: false, errorMessage: message(language, { reason: "offline" }) });
    }
  }

  /**
   * OnNewMessageCompose: for a reply (reply all included) or a forward, keeps the addresses Outlook filled in — the people
   * already in the thread, the original's sender among them (item.from is the user, so it tells nothing) — in sessionData,
   * so the pane can flag a domain added later. Compose has no API for the original's own recipients; a forward starts
   * with none. Nothing for a new message or where getComposeTypeAsync (Mailbox 1.10) is missing. Always ends completed.
   */
  function onNewMessageComposeHandler(event, deps) {
    var office = (deps && deps.office) || global.Office;
    var finish = function () { event.completed(); };
    try {
      var item = office.context.mailbox.item;
      if (typeof item.getComposeTypeAsync !== "function" || !item.sessionData) {
        finish();
        return;
      }
      getAsync(item, "getComposeTypeAsync").then(function (type) {
        var composeType = type && type.composeType;
        if (composeType !== "reply" && composeType !== "forward") {
          return undefined;
        }
        return Promise.all([getAsync(item.to, "getAsync"), getAsync(item.cc, "getAsync")]).then(function (lists) {
          var addresses = unique(lists[0].concat(lists[1]).map(function (r) { return lower(r.emailAddress); }));
          if (addresses.join(",").length > THREAD_MAX_CHARS) { // a huge reply all: the domains are what the pane compares
            addresses = unique(addresses.map(function (a) { return "@" + domainOf(a); }));
          }
          return getAsync(item.sessionData, "setAsync", THREAD_KEY, JSON.stringify({ composeType: composeType, addresses: addresses }));
        });
      }).then(finish, finish);
    } catch (e) {
      finish();
    }
  }

  var api = {
    isInternal: isInternal,
    fingerprint: fingerprint,
    decide: decide,
    message: message,
    onMessageSendHandler: onMessageSendHandler,
    onNewMessageComposeHandler: onNewMessageComposeHandler,
    SESSION_KEY: SESSION_KEY,
    THREAD_KEY: THREAD_KEY
  };
  if (global.Office && global.Office.actions) {
    global.Office.actions.associate("onMessageSendHandler", onMessageSendHandler);
    global.Office.actions.associate("onNewMessageComposeHandler", onNewMessageComposeHandler);
  }
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  global.SafeMailSendHandler = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
