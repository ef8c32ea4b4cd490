/*
 * Miraie SafeMail — the task pane's decisions, knowing nothing of Office.js (FlexConfirmMail's classifier split):
 * recipients grouped by domain with what to highlight, when to suggest moving external To/CC recipients to BCC, the
 * thread snapshot to compare with, the archive-id header's value and whether the server sends the password itself.
 * The fingerprint the pane stores is send-handler.js's own (loaded beside this file), so both always agree.
 */
(function (global) {
  "use strict";

  // Free-mail and mobile-carrier domains: a business quote rarely goes there on purpose.
  var FREE_MAIL = [
    "gmail.com", "googlemail.com", "yahoo.co.jp", "ymail.ne.jp", "yahoo.com", "outlook.com", "outlook.jp", "hotmail.com",
    "hotmail.co.jp", "live.jp", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "ymobile.ne.jp"
  ];

  /** How many external domains in To/CC make the pane suggest BCC (each learns the others' addresses otherwise). */
  var MANY_DOMAINS = 3;

  function lower(text) {
    return String(text || "").trim().toLowerCase();
  }

  function domainOf(address) {
    var a = lower(address);
    var at = a.lastIndexOf("@");
    return at < 0 ? "" : a.slice(at + 1);
  }

  function isInternal(address, internalDomains) {
    var handler = global.SafeMailSendHandler;
    return handler ? handler.isInternal(address, internalDomains) : false;
  }

  function isFreeMail(domain) {
    return FREE_MAIL.indexOf(lower(domain)) >= 0;
  }

  /**
   * recipients: [{ address, name, field: "to" | "cc" | "bcc" }]; original: the addresses already in the thread (see
   * threadOriginal; empty for a new message or a forward, and then nothing is flagged new). Returns groups, external
   * first, each with the flags the pane highlights. Only external domains are flagged new: a colleague joining a thread
   * is routine, and a flag on every internal group would teach people to ignore it.
   */
  function groupByDomain(recipients, internalDomains, original) {
    var originalDomains = (original || []).map(domainOf);
    var groups = {};
    var order = [];
    recipients.forEach(function (r) {
      var domain = domainOf(r.address);
      if (!groups[domain]) {
        groups[domain] = {
          domain: domain,
          internal: isInternal(r.address, internalDomains),
          freeMail: isFreeMail(domain),
          newToThread: originalDomains.length > 0 && !isInternal(r.address, internalDomains) && originalDomains.indexOf(domain) < 0,
          recipients: []
        };
        order.push(domain);
      }
      groups[domain].recipients.push({ address: lower(r.address), name: r.name || "", field: r.field });
    });
    return order.map(function (d) { return groups[d]; }).sort(function (a, b) {
      return (a.internal === b.internal ? 0 : a.internal ? 1 : -1) || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0);
    });
  }

  /** External To/CC recipients to move to BCC when they span MANY_DOMAINS or more domains; empty otherwise. */
  function suggestBcc(recipients, internalDomains) {
    var visible = recipients.filter(function (r) { return r.field !== "bcc" && !isInternal(r.address, internalDomains); });
    var domains = visible.map(function (r) { return domainOf(r.address); }).filter(function (d, i, all) { return all.indexOf(d) === i; });
    return domains.length >= MANY_DOMAINS ? visible.map(function (r) { return lower(r.address); }) : [];
  }

  /** True when every recipient and every attachment has been ticked. */
  function allTicked(recipients, attachments, ticked) {
    var keys = recipients.map(function (r) { return "r:" + lower(r.address); })
      .concat(attachments.map(function (a) { return "a:" + a.name + "\u0000" + a.size; }));
    return keys.length > 0 && keys.every(function (k) { return ticked[k] === true; });
  }

  /**
   * The addresses to compare with, from the snapshot send-handler.js's OnNewMessageCompose kept in sessionData (JSON
   * { composeType, addresses }). A forward starts with no recipients, so it gives none: better to flag nothing than to
   * flag every domain. Anything missing or unreadable gives none too.
   */
  function threadOriginal(snapshot) {
    try {
      var thread = typeof snapshot === "string" ? JSON.parse(snapshot) : snapshot;
      if (!thread || thread.composeType !== "reply" || !Array.isArray(thread.addresses)) {
        return [];
      }
      return thread.addresses.filter(function (a) { return domainOf(a) !== ""; });
    } catch (e) {
      return [];
    }
  }

  /** The X-SafeMail-Archive-Id header's value with more archives (an id or a list): comma-separated, order kept, no repeats. */
  function appendArchiveId(existing, id) {
    var ids = (String(existing || "") + "," + String(id || "")).split(",").map(function (x) { return x.trim(); });
    return ids.filter(function (x, i) { return x && ids.indexOf(x) === i; }).join(",");
  }

  /** True when the server sends the password mail itself (gateway or Graph); the pane then offers no password mail of its own. */
  function sendsPasswordAutomatically(policy) {
    var mode = policy && policy.passwordDelivery;
    return mode === "gateway" || mode === "graph";
  }

  /** True when the domain of address is domain, or is under it for "*.domain" (lower case, as the server compares ASCII names). */
  function domainMatches(address, entry) {
    var domain = domainOf(address);
    var e = lower(entry).trim();
    if (e.indexOf("*.") === 0) { return domain.length > e.length - 1 && domain.slice(-(e.length - 1)) === e.slice(1); }
    return domain === e;
  }

  /**
   * How the message's files go, by the recipients' domains (policy.fileDelivery, the server's SafeMail:Policy:FileDelivery):
   * "block" if any external domain takes no files, "plain" if every external one takes them as they are (or there is
   * none), "link" if any wants a link, else "zip" — the rule the gateway applies, so the pane offers what will happen.
   */
  function fileDeliveryFor(recipients, policy) {
    var delivery = (policy && policy.fileDelivery) || { default: "zip", domains: [] };
    var modes = (recipients || []).filter(function (r) { return !isInternal(r.address, (policy && policy.internalDomains) || []); }).map(function (r) {
      var found = (delivery.domains || []).filter(function (d) { return domainMatches(r.address, d.domain); })[0];
      return lower(found ? found.mode : delivery.default || "zip");
    });
    if (modes.indexOf("block") >= 0) { return "block"; }
    if (modes.every(function (m) { return m === "plain"; })) { return "plain"; }
    if (modes.indexOf("link") >= 0) { return "link"; }
    return "zip";
  }

  var api = {
    fileDeliveryFor: fileDeliveryFor,
    groupByDomain: groupByDomain, suggestBcc: suggestBcc, allTicked: allTicked, isFreeMail: isFreeMail, threadOriginal: threadOriginal,
    appendArchiveId: appendArchiveId, sendsPasswordAutomatically: sendsPasswordAutomatically, MANY_DOMAINS: MANY_DOMAINS
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  global.SafeMailPaneLogic = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
