/*
 * Miraie SafeMail — the pane's 送信保留中 (held mail) and 承認待ち (approvals) sections, knowing nothing of Office.js or
 * the page (and the sender's live download links): texts in both languages, the countdown, what to say about a decision's answer or an unreachable server, and
 * a list model that refreshes itself. Times left come from the server in seconds (its clock); the countdown subtracts
 * the time elapsed on this PC's monotonic clock since the answer arrived, so a PC clock set wrong changes nothing.
 * ES2016 script, no modules (the pane's constraint).
 */
(function (global) {
  "use strict";

  /** How often the lists are fetched again while the pane is open. */
  var REFRESH_MS = 15000;

  var TEXTS = {
    ja: {
      held: "送信保留中", approvals: "承認待ち", mine: "承認をお願いしているメール", none: "送信保留中のメールはありません。",
      cancel: "送信を取り消す", sendNow: "今すぐ送信", approve: "承認", reject: "却下", reason: "却下の理由",
      leavesIn: "送信まで", leavingNow: "まもなく送信されます", leavesAt: "送信予定", decideBy: "承認期限", from: "差出人", to: "宛先",
      external: "社外", internal: "社内", noSubject: "（件名なし）", minutes: "分", seconds: "秒", hours: "時間",
      confirmCancel: "このメールの送信を取り消しますか？取り消したメールは送信されません。", confirmSendNow: "保留を解除して今すぐ送信しますか？",
      reasonNeeded: "却下の理由を入力してください。", body: "本文", noBody: "本文を表示できません。",
      unreachable: "SafeMail サーバーに接続できません。ネットワークをご確認ください。自動で再接続します。",
      serverError: "SafeMail サーバーがエラーを返しました。しばらくしてから自動で再試行します。",
      stale: "（表示は {time} 時点の内容です）", failed: "処理できませんでした: ",
      links: "ダウンロードリンク", revoke: "リンクを取り消す", until: "有効期限", downloaded: "ダウンロード済み", notDownloaded: "未ダウンロード",
      confirmRevoke: "もう一度押すと取り消します（以後ダウンロードできません）"
    },
    en: {
      held: "Held", approvals: "Approvals", mine: "Your mail awaiting approval", none: "No held mail.",
      cancel: "Cancel sending", sendNow: "Send now", approve: "Approve", reject: "Reject", reason: "Reason for rejecting",
      leavesIn: "Sends in", leavingNow: "Sending shortly", leavesAt: "Sends at", decideBy: "Decide by", from: "From", to: "To",
      external: "external", internal: "internal", noSubject: "(no subject)", minutes: " min ", seconds: " s", hours: " h ",
      confirmCancel: "Cancel this message? It will not be sent.", confirmSendNow: "Lift the hold and send this message now?",
      reasonNeeded: "Give a reason for the rejection.", body: "Body", noBody: "The body cannot be shown.",
      unreachable: "Cannot reach the SafeMail server. Check the network; the pane reconnects by itself.",
      serverError: "The SafeMail server answered with an error. The pane tries again shortly.",
      stale: "(as of {time})", failed: "Could not do it: ",
      links: "Download links", revoke: "Revoke the link", until: "Until", downloaded: "downloaded", notDownloaded: "not downloaded yet",
      confirmRevoke: "Click again to revoke (no more downloads)"
    }
  };

  function texts(language) { return TEXTS[language] || TEXTS.en; }

  /** Seconds left now: the server's figure less the whole seconds elapsed on the monotonic clock since it arrived. */
  function secondsLeft(serverSeconds, receivedAtMs, nowMs) {
    var elapsed = Math.floor(Math.max(0, nowMs - receivedAtMs) / 1000);
    return Math.max(0, Number(serverSeconds || 0) - elapsed);
  }

  /** "4分05秒" / "4 min 05 s"; hours when an hour or more is left; "まもなく送信されます" at zero. */
  function formatLeft(seconds, language) {
    var t = texts(language);
    if (seconds <= 0) { return t.leavingNow; }
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    if (h > 0) { return h + t.hours + two(m) + t.minutes.replace(/ $/, ""); }
    return (m > 0 ? m + t.minutes + two(s) : String(s)) + t.seconds;
  }

  /** The recipients as one line, external ones marked: "buyer@customer.example.com（社外）, suzuki@example.co.jp". */
  function recipientsLine(recipients, language) {
    var t = texts(language);
    return (recipients || []).map(function (r) {
      return r.address + (r.external ? (language === "ja" ? "（" + t.external + "）" : " (" + t.external + ")") : "");
    }).join(", ");
  }

  /**
   * What to tell the person about a decision's answer: the server's sentence in their language (it answers ja and en
   * for every outcome), else the problem's title, else the status.
   */
  function answerText(answer, status, language) {
    if (answer && typeof answer[language] === "string") { return answer[language]; }
    if (answer && answer.title) { return String(answer.title); }
    return texts(language).failed + status;
  }

  /** Why the last refresh failed, in words: the server could not be reached, or it answered with an error. */
  function failureText(failure, language) {
    var t = texts(language);
    if (!failure) { return ""; }
    if (failure.kind === "unreachable") { return t.unreachable; }
    if (failure.kind === "server") { return t.serverError + " (HTTP " + failure.status + ")"; }
    return t.failed + failure.message;
  }

  /**
   * The sections' model. deps: get(path) → promise of { status, body } (rejects when the server cannot be reached or the
   * sign-in fails; a TypeError from fetch means unreachable), clock() → monotonic ms (performance.now), onChange(model).
   * refresh() fetches the three lists (held, approvals, links); a failure keeps the last lists and records why.
   */
  function createModel(deps) {
    var model = { held: [], toDecide: [], sent: [], links: [], receivedAt: 0, failure: null, loaded: false, lastSuccess: null };

    function fetchList(path) {
      return deps.get(path).then(function (r) {
        if (r.status >= 500) { throw { kind: "server", status: r.status }; }
        if (r.status !== 200) { throw { kind: "refused", message: (r.body && r.body.title) || ("HTTP " + r.status) }; }
        return r.body;
      });
    }

    model.refresh = function () {
      return Promise.all([fetchList("/api/addin/held"), fetchList("/api/addin/approvals"), fetchList("/api/addin/links")]).then(function (answers) {
        model.held = answers[0].items || [];
        model.toDecide = answers[1].toDecide || [];
        model.sent = answers[1].sent || [];
        model.links = answers[2].items || [];
        model.receivedAt = deps.clock();
        model.lastSuccess = answers[0].now || null;
        model.failure = null;
        model.loaded = true;
      }, function (e) {
        model.failure = e && e.kind ? e : (e instanceof TypeError ? { kind: "unreachable" } : { kind: "other", message: (e && e.message) || String(e) });
      }).then(function () {
        if (deps.onChange) { deps.onChange(model); }
        return model;
      });
    };

    /** Seconds left for an item of the lists, counted from when the lists arrived. */
    model.left = function (item) {
      return secondsLeft(item.secondsLeft, model.receivedAt, deps.clock());
    };

    return model;
  }

  var api = {
    REFRESH_MS: REFRESH_MS, TEXTS: TEXTS, texts: texts, secondsLeft: secondsLeft, formatLeft: formatLeft, recipientsLine: recipientsLine,
    answerText: answerText, failureText: failureText, createModel: createModel
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  global.SafeMailWaitingLogic = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
