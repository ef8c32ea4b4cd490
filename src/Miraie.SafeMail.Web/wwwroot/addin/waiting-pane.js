/*
 * Miraie SafeMail — the pane's 送信保留中 / 承認待ち sections on the page (#waiting): the sender's held mail with a live
 * countdown, 取り消し and 今すぐ送信; mail the caller may approve or reject (with a reason); the caller's own mail
 * awaiting approval. Fetched when the pane opens and every 15 s; a server that cannot be reached is said so, and the
 * last lists stay on screen. The decisions' logic and texts are waiting-logic.js's; every text is set as text, never HTML.
 * deps: send(path, init) → fetch's promise with the sender's sign-in headers (taskpane.js), language ("ja" | "en").
 */
(function (global) {
  "use strict";

  var L = global.SafeMailWaitingLogic;

  function start(deps) {
    var t = L.texts(deps.language);
    var root = document.getElementById("waiting");
    if (!root) { return null; }
    var shown = { held: "", approvals: "", links: "" };
    var drafts = {}; // rejection reasons being typed, kept across refreshes
    var clock = function () { return global.performance.now(); };

    function el(tag, className, text) {
      var e = document.createElement(tag);
      if (className) { e.className = className; }
      if (text !== undefined) { e.textContent = text; }
      return e;
    }

    function button(label, onClick, className) {
      var b = el("button", className, label);
      b.type = "button";
      b.addEventListener("click", onClick);
      return b;
    }

    function json(response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; },
        function () { return { status: response.status, body: null }; });
    }

    var model = L.createModel({
      get: function (path) { return deps.send(path, { cache: "no-store" }).then(json); },
      clock: clock,
      onChange: render
    });

    function say(text, isError) {
      var status = document.getElementById("waiting-status");
      status.textContent = text;
      status.className = isError ? "error" : "";
    }

    function decide(path, body) {
      var init = { method: "POST" };
      if (body) {
        init.headers = { "Content-Type": "application/json" };
        init.body = JSON.stringify(body);
      }
      return deps.send(path, init).then(json).then(function (answer) {
        say(L.answerText(answer.body, answer.status, deps.language), answer.status !== 200);
        return model.refresh();
      }, function (e) {
        say(L.failureText(e instanceof TypeError ? { kind: "unreachable" } : { kind: "other", message: e.message }, deps.language), true);
      });
    }

    function heading(m, deadlineLabel, deadlineText) {
      var head = el("div", "waiting-head");
      head.appendChild(el("strong", "subject", m.subject || t.noSubject));
      head.appendChild(el("div", "who", t.to + ": " + L.recipientsLine(m.recipients, deps.language)));
      if (m.from) { head.appendChild(el("div", "who", t.from + ": " + (m.fromName ? m.fromName + " <" + m.from + ">" : m.from))); }
      head.appendChild(el("div", "when", deadlineLabel + ": " + deadlineText));
      return head;
    }

    function item(m, className, deadlineLabel, deadlineText) {
      var li = el("li", "waiting-item " + className);
      li.setAttribute("data-id", m.id);
      li.appendChild(heading(m, deadlineLabel, deadlineText));
      return li;
    }

    function heldItem(m) {
      var li = item(m, "held-item", t.leavesAt, m.leavesAtText);
      var left = el("div", "countdown");
      left.setAttribute("data-left", m.id);
      li.appendChild(left);
      var actions = el("div", "actions");
      actions.appendChild(button(t.cancel, function () { return decide("/api/addin/held/" + encodeURIComponent(m.id) + "/cancel"); }, "cancel"));
      actions.appendChild(button(t.sendNow, function (event) {
        // Send now gives up the time to notice a mistake: a second click, on the same button, confirms it.
        var b = event.currentTarget;
        if (b.getAttribute("data-confirm") !== "1") {
          b.setAttribute("data-confirm", "1");
          b.textContent = t.confirmSendNow;
          return undefined;
        }
        return decide("/api/addin/held/" + encodeURIComponent(m.id) + "/send-now");
      }, "secondary send-now"));
      actions.appendChild(reportButton({ id: m.id }));
      li.appendChild(actions);
      return li;
    }

    // 誤送信の報告 (incident-logic.js): cancels a held message at once and tells the security office; a second click confirms.
    function reportButton(source) {
      var r = global.SafeMailIncidentLogic;
      return button(r.texts(deps.language).report, function (event) {
        var b = event.currentTarget;
        if (b.getAttribute("data-confirm") !== "1") {
          b.setAttribute("data-confirm", "1");
          b.textContent = r.texts(deps.language).confirm;
          return undefined;
        }
        b.disabled = true;
        return deps.send("/api/addin/incidents", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(r.reportBody(source)) })
          .then(json).then(function (answer) {
            say(r.reportAnswer(answer.body, answer.status, deps.language), answer.status !== 200);
            return model.refresh();
          }, function () { say(r.texts(deps.language).unreachable, true); b.disabled = false; });
      }, "secondary report");
    }

    function approvalItem(m) {
      var li = item(m, "approval-item", t.decideBy, m.decideByText);
      (m.findings || []).forEach(function (f) { li.appendChild(el("div", "finding", "• " + (deps.language === "ja" ? f.ja : f.en))); });
      var body = el("details", "body");
      body.appendChild(el("summary", null, t.body));
      var text = el("pre", "body-text");
      body.appendChild(text);
      body.addEventListener("toggle", function () {
        if (!body.open || text.getAttribute("data-loaded")) { return; }
        text.setAttribute("data-loaded", "1");
        deps.send("/api/addin/approvals/" + encodeURIComponent(m.id), {}).then(json).then(function (r) {
          text.textContent = r.status === 200 && r.body.body !== null ? r.body.body : t.noBody;
        }, function () { text.textContent = t.noBody; });
      });
      li.appendChild(body);
      var reason = el("textarea", "reason");
      reason.setAttribute("aria-label", t.reason);
      reason.placeholder = t.reason;
      reason.maxLength = 500;
      reason.value = drafts[m.id] || "";
      reason.addEventListener("input", function () { drafts[m.id] = reason.value; });
      li.appendChild(reason);
      var actions = el("div", "actions");
      actions.appendChild(button(t.approve, function () { return decide("/api/addin/approvals/" + encodeURIComponent(m.id) + "/approve"); }, "approve"));
      actions.appendChild(button(t.reject, function () {
        if (!reason.value.trim()) { say(t.reasonNeeded, true); reason.focus(); return undefined; }
        return decide("/api/addin/approvals/" + encodeURIComponent(m.id) + "/reject", { reason: reason.value }).then(function () { delete drafts[m.id]; });
      }, "secondary reject"));
      li.appendChild(actions);
      return li;
    }

    function sentItem(m) {
      return item(m, "sent-item", t.decideBy, m.decideByText);
    }

    function linkItem(m) {
      var li = item(m, "link", t.until, m.expiresAtText);
      li.appendChild(el("div", "state", m.downloaded ? t.downloaded : t.notDownloaded));
      var actions = el("div", "actions");
      actions.appendChild(button(t.revoke, function (event) {
        // Outlook's pane has no confirm(): a second click, on the same button, confirms it (as send-now does).
        var b = event.currentTarget;
        if (b.getAttribute("data-confirm") !== "1") {
          b.setAttribute("data-confirm", "1");
          b.textContent = t.confirmRevoke;
          return undefined;
        }
        return decide("/api/addin/links/" + encodeURIComponent(m.id) + "/revoke");
      }, "danger revoke"));
      li.appendChild(actions);
      return li;
    }

    function fill(list, items, make) {
      list.textContent = "";
      items.forEach(function (m) { list.appendChild(make(m)); });
    }

    // Lists are drawn again only when what they hold changed: a refresh must not take away a reason being typed.
    function render() {
      document.getElementById("waiting-problem").textContent = L.failureText(model.failure, deps.language);
      document.getElementById("waiting-problem").hidden = !model.failure;
      var held = JSON.stringify(model.held.map(function (m) { return m.id; }));
      if (held !== shown.held) {
        shown.held = held;
        fill(document.getElementById("held-list"), model.held, heldItem);
      }
      document.getElementById("held-none").hidden = !model.loaded || model.held.length > 0;
      var approvals = JSON.stringify([model.toDecide.map(function (m) { return m.id; }), model.sent.map(function (m) { return m.id; })]);
      if (approvals !== shown.approvals) {
        shown.approvals = approvals;
        fill(document.getElementById("approvals-list"), model.toDecide, approvalItem);
        fill(document.getElementById("sent-list"), model.sent, sentItem);
      }
      document.getElementById("approvals").hidden = model.toDecide.length === 0;
      document.getElementById("sent").hidden = model.sent.length === 0;
      var links = JSON.stringify(model.links.map(function (m) { return m.id + (m.downloaded ? "+" : ""); }));
      if (links !== shown.links) {
        shown.links = links;
        fill(document.getElementById("links-list"), model.links, linkItem);
      }
      document.getElementById("links").hidden = model.links.length === 0;
      tick();
    }

    function tick() {
      model.held.forEach(function (m) {
        var left = root.querySelector("[data-left='" + m.id + "']");
        if (left) { left.textContent = t.leavesIn + ": " + L.formatLeft(model.left(m), deps.language); }
      });
    }

    document.getElementById("held-title").textContent = t.held;
    document.getElementById("held-none").textContent = t.none;
    document.getElementById("approvals-title").textContent = t.approvals;
    document.getElementById("sent-title").textContent = t.mine;
    document.getElementById("links-title").textContent = t.links;
    root.hidden = false;
    global.setInterval(tick, 1000);
    global.setInterval(model.refresh, L.REFRESH_MS);
    // At once, not at the next tick, when the network comes back or the pane is shown again.
    global.addEventListener("online", model.refresh);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { model.refresh(); } });
    model.refresh();
    return { model: model, reportButton: reportButton };
  }

  global.SafeMailWaitingPane = { start: start };
})(typeof globalThis !== "undefined" ? globalThis : this);
