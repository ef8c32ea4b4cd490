/*
 * Miraie SafeMail — 誤送信の報告 in the pane, knowing nothing of Office.js or the page: what to send to
 * POST /api/addin/incidents for a held message (its queue id) or a sent item (its Internet Message-ID and subject), and
 * what to tell the sender from the answer (the server's thanks, then what was stopped or had already left). A report is
 * quick and never questioned: one button, a second click to confirm, no form. ES2016 script, no modules.
 */
(function (global) {
  "use strict";

  var TEXTS = {
    ja: {
      report: "誤送信を報告", confirm: "報告する（もう一度押してください）",
      sentItem: "このメールを意図しない宛先に送ってしまった場合は、すぐに報告してください。原因の説明や対処は不要です。",
      nothing: "報告するメールがわかりません。", failed: "報告できませんでした: ", unreachable: "SafeMail サーバーに接続できません。セキュリティ事務局に直接ご連絡ください。"
    },
    en: {
      report: "Report a misdirected mail", confirm: "Report it (click again)",
      sentItem: "If this message went to the wrong recipient, report it now. You need not explain or fix anything.",
      nothing: "There is no message to report.", failed: "Could not report: ", unreachable: "Cannot reach the SafeMail server. Please contact the security office directly."
    }
  };

  function texts(language) { return TEXTS[language] || TEXTS.en; }

  /**
   * The request body for a message: { id } for a held message; for a sent item its Internet Message-ID and subject (the
   * server finds it among the sender's own mail). Null when nothing names a message.
   */
  function reportBody(source) {
    if (!source) { return null; }
    if (source.id) { return { id: String(source.id) }; }
    var body = {};
    if (source.internetMessageId) { body.internetMessageId = String(source.internetMessageId); }
    if (source.subject) { body.subject = String(source.subject); }
    return body.internetMessageId || body.subject ? body : null;
  }

  /** What to show after the answer: the server's sentence in the sender's language, then each step's, one per line. */
  function reportAnswer(answer, status, language) {
    var t = texts(language);
    if (!answer || typeof answer[language] !== "string") {
      return t.failed + (answer && answer.title ? answer.title : "HTTP " + status);
    }
    var lines = [answer[language]];
    (answer.steps || []).forEach(function (s) { if (typeof s[language] === "string") { lines.push("・" + s[language]); } });
    return lines.join("\n");
  }

  var api = { TEXTS: TEXTS, texts: texts, reportBody: reportBody, reportAnswer: reportAnswer };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  global.SafeMailIncidentLogic = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
