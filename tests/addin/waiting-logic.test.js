// The pane's 送信保留中 / 承認待ち sections without Outlook or a page: countdown by the server's seconds, texts in both
// languages, answers of decisions, and the list model's refresh (kept lists and a clear message when the server is away).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const waiting = require("../../src/Miraie.SafeMail.Web/wwwroot/addin/waiting-logic.js");

test("the countdown is the server's seconds less the time elapsed on the monotonic clock, never below zero", () => {
  assert.equal(waiting.secondsLeft(300, 1000, 1000), 300);
  assert.equal(waiting.secondsLeft(300, 1000, 1999), 300, "less than a second elapsed");
  assert.equal(waiting.secondsLeft(300, 1000, 61000), 240);
  assert.equal(waiting.secondsLeft(5, 0, 60000), 0);
  assert.equal(waiting.secondsLeft(5, 5000, 1000), 5, "a clock that went back counts as no time elapsed");
});

test("time left reads as Japanese or English, with hours when an hour or more is left", () => {
  assert.equal(waiting.formatLeft(272, "ja"), "4分32秒");
  assert.equal(waiting.formatLeft(245, "en"), "4 min 05 s");
  assert.equal(waiting.formatLeft(42, "ja"), "42秒");
  assert.equal(waiting.formatLeft(3900, "ja"), "1時間05分");
  assert.equal(waiting.formatLeft(3900, "en"), "1 h 05 min");
  assert.equal(waiting.formatLeft(0, "ja"), "まもなく送信されます");
  assert.equal(waiting.formatLeft(0, "en"), "Sending shortly");
});

test("external recipients are marked in the recipients line", () => {
  const recipients = [{ address: "buyer@customer.example.com", external: true }, { address: "suzuki@example.co.jp", external: false }];
  assert.equal(waiting.recipientsLine(recipients, "ja"), "buyer@customer.example.com（社外）, suzuki@example.co.jp");
  assert.equal(waiting.recipientsLine(recipients, "en"), "buyer@customer.example.com (external), suzuki@example.co.jp");
});

test("a decision's answer is shown in the pane's language; a problem without texts by its title or status", () => {
  const answer = { outcome: "already-sent", ja: "このメールはすでに送信されたか、送信中です。取り消せません。", en: "This message has already been sent", title: "x" };
  assert.equal(waiting.answerText(answer, 409, "ja"), answer.ja);
  assert.equal(waiting.answerText(answer, 409, "en"), answer.en);
  assert.equal(waiting.answerText({ title: "No sender" }, 401, "ja"), "No sender");
  assert.equal(waiting.answerText(null, 502, "en"), "Could not do it: 502");
});

test("every text exists in both languages", () => {
  assert.deepEqual(Object.keys(waiting.TEXTS.ja).sort(), Object.keys(waiting.TEXTS.en).sort());
  for (const lang of ["ja", "en"]) {
    for (const [key, value] of Object.entries(waiting.TEXTS[lang])) {
      assert.ok(typeof value === "string" && value.length > 0, `${lang}.${key}`);
    }
  }
});

// A test that does not say what /api/addin/links answers gets an empty list of links.
function fakeServer(answers) {
  const asked = [];
  return {
    asked,
    get: (path) => {
      asked.push(path);
      const answer = path in answers ? answers[path] : path === "/api/addin/links" ? { status: 200, body: { items: [] } } : undefined;
      return typeof answer === "function" ? answer() : Promise.resolve(answer);
    },
  };
}

test("the model fetches both lists and counts down from when they arrived", async () => {
  let now = 1000;
  const server = fakeServer({
    "/api/addin/held": { status: 200, body: { now: "2026-12-01T01:00:00Z", items: [{ id: "A", secondsLeft: 300 }] } },
    "/api/addin/approvals": { status: 200, body: { toDecide: [{ id: "B", secondsLeft: 86400 }], sent: [] } },
  });
  let changes = 0;
  const model = waiting.createModel({ get: server.get, clock: () => now, onChange: () => changes++ });
  await model.refresh();
  assert.deepEqual(server.asked.sort(), ["/api/addin/approvals", "/api/addin/held", "/api/addin/links"]);
  assert.equal(model.loaded, true);
  assert.equal(model.failure, null);
  assert.deepEqual(model.held.map((m) => m.id), ["A"]);
  assert.deepEqual(model.toDecide.map((m) => m.id), ["B"]);
  assert.equal(changes, 1);
  now += 90500;
  assert.equal(model.left(model.held[0]), 210);
});

test("the model keeps the sender's live download links, and a links failure keeps the last lists like any other", async () => {
  let broken = false;
  const server = fakeServer({
    "/api/addin/held": { status: 200, body: { items: [] } },
    "/api/addin/approvals": { status: 200, body: { toDecide: [], sent: [] } },
    "/api/addin/links": () => Promise.resolve(broken ? { status: 500, body: null } : { status: 200, body: { items: [{ id: "L1", downloaded: false }] } }),
  });
  const model = waiting.createModel({ get: server.get, clock: () => 0 });
  await model.refresh();
  assert.deepEqual(model.links.map((l) => l.id), ["L1"]);
  broken = true;
  await model.refresh();
  assert.deepEqual(model.links.map((l) => l.id), ["L1"], "the last list stays");
  assert.equal(model.failure.kind, "server");
  assert.equal(model.failure.status, 500);
});

test("an unreachable server keeps the last lists and says so; the next refresh that works clears it", async () => {
  let down = false;
  const held = { status: 200, body: { items: [{ id: "A", secondsLeft: 60 }] } };
  const server = fakeServer({
    "/api/addin/held": () => (down ? Promise.reject(new TypeError("Failed to fetch")) : Promise.resolve(held)),
    "/api/addin/approvals": { status: 200, body: { toDecide: [], sent: [] } },
  });
  const model = waiting.createModel({ get: server.get, clock: () => 0 });
  await model.refresh();
  down = true;
  await model.refresh();
  assert.deepEqual(model.failure, { kind: "unreachable" });
  assert.deepEqual(model.held.map((m) => m.id), ["A"], "the last list stays on screen");
  assert.equal(waiting.failureText(model.failure, "ja"), "SafeMail サーバーに接続できません。ネットワークをご確認ください。自動で再接続します。");
  down = false;
  await model.refresh();
  assert.equal(model.failure, null);
});

test("a server error and a refused sign-in are told apart from an unreachable server", async () => {
  const broken = waiting.createModel({
    get: fakeServer({ "/api/addin/held": { status: 503, body: null }, "/api/addin/approvals": { status: 200, body: {} } }).get,
    clock: () => 0,
  });
  await broken.refresh();
  assert.equal(broken.failure.kind, "server");
  assert.equal(waiting.failureText(broken.failure, "en"), "The SafeMail server answered with an error. The pane tries again shortly. (HTTP 503)");

  const refused = waiting.createModel({
    get: fakeServer({ "/api/addin/held": { status: 401, body: { title: "No sender" } }, "/api/addin/approvals": { status: 401, body: null } }).get,
    clock: () => 0,
  });
  await refused.refresh();
  assert.equal(waiting.failureText(refused.failure, "en"), "Could not do it: No sender");
  assert.equal(refused.loaded, false);
});
