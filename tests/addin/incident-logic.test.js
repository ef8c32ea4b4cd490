// The pane's 誤送信の報告 without Outlook or a page: what is sent for a held message or a sent item, and what the sender reads.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const incident = require("../../src/Miraie.SafeMail.Web/wwwroot/addin/incident-logic.js");

test("a held message is reported by its queue id, a sent item by its Message-ID and subject", () => {
  assert.deepEqual(incident.reportBody({ id: "20261204-abc", subject: "ignored" }), { id: "20261204-abc" });
  assert.deepEqual(incident.reportBody({ internetMessageId: "<a@b>", subject: "見積書" }), { internetMessageId: "<a@b>", subject: "見積書" });
  assert.deepEqual(incident.reportBody({ subject: "件名だけ" }), { subject: "件名だけ" });
  assert.equal(incident.reportBody({ internetMessageId: "", subject: "" }), null, "nothing names a message");
  assert.equal(incident.reportBody(null), null);
});

test("the answer reads as the server's thanks and then what each step did, in the sender's language", () => {
  const answer = {
    ja: "ご報告ありがとうございます。誤送信の報告 #3 として受け付けました。", en: "Thank you for reporting. It is recorded as misdelivery report #3.",
    steps: [{ step: "cancel-held", ja: "送信を取り消しました。", en: "Sending was cancelled." }, { step: "delivery", ja: "送信されていません。", en: "Not sent." }]
  };
  assert.equal(incident.reportAnswer(answer, 200, "ja"), "ご報告ありがとうございます。誤送信の報告 #3 として受け付けました。\n・送信を取り消しました。\n・送信されていません。");
  assert.equal(incident.reportAnswer(answer, 200, "en"), "Thank you for reporting. It is recorded as misdelivery report #3.\n・Sending was cancelled.\n・Not sent.");
});

test("a refusal or an answer without texts says it could not report, with the server's title or the status", () => {
  assert.equal(incident.reportAnswer({ title: "No sender" }, 401, "en"), "Could not report: No sender");
  assert.equal(incident.reportAnswer(null, 500, "ja"), "報告できませんでした: HTTP 500");
  assert.equal(incident.reportAnswer({ ja: "該当するメールまたは報告が見つかりません。", en: "No such message or report.", steps: [] }, 404, "ja"),
    "該当するメールまたは報告が見つかりません。");
});

test("every text exists in both languages", () => {
  assert.deepEqual(Object.keys(incident.TEXTS.ja).sort(), Object.keys(incident.TEXTS.en).sort());
});
