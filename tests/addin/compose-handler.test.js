// OnNewMessageCompose with office-addin-mock: a reply or forward keeps who was in the thread in sessionData for the
// pane's "new domain" flag; a new message keeps nothing; every path ends in event.completed.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { OfficeMockObject } = require("office-addin-mock");
const handler = require("../../src/Miraie.SafeMail.Web/wwwroot/addin/send-handler.js");

function ok(value) {
  return (...args) => args[args.length - 1]({ status: "succeeded", value });
}

function composing({ composeType, to = [], cc = [], withComposeType = true }) {
  const session = {};
  const item = {
    to: { getAsync: ok(to.map((emailAddress) => ({ emailAddress }))) },
    cc: { getAsync: ok(cc.map((emailAddress) => ({ emailAddress }))) },
    sessionData: {
      setAsync: (key, value, cb) => { session[key] = value; cb({ status: "succeeded" }); },
    },
  };
  if (withComposeType) {
    item.getComposeTypeAsync = ok({ composeType, coercionType: "html" });
  }
  return { office: new OfficeMockObject({ host: "outlook", context: { mailbox: { item } } }), session };
}

function run(env) {
  return new Promise((resolve) => {
    handler.onNewMessageComposeHandler({ completed: (options) => resolve(options) }, { office: env.office });
  });
}

test("a reply keeps the addresses Outlook filled in, lower case and once each", async () => {
  const env = composing({ composeType: "reply", to: ["Buyer@Customer.example.com"], cc: ["boss@customer.example.com", "buyer@customer.example.com", "tanaka@example.co.jp"] });
  assert.equal(await run(env), undefined, "completed with no options");
  assert.deepEqual(JSON.parse(env.session[handler.THREAD_KEY]), {
    composeType: "reply",
    addresses: ["buyer@customer.example.com", "boss@customer.example.com", "tanaka@example.co.jp"],
  });
  assert.equal(handler.THREAD_KEY, "safemailThread");
});

test("a forward is kept as a forward with no addresses (Outlook fills in none)", async () => {
  const env = composing({ composeType: "forward" });
  await run(env);
  assert.deepEqual(JSON.parse(env.session.safemailThread), { composeType: "forward", addresses: [] });
});

test("a new message keeps nothing", async () => {
  const env = composing({ composeType: "newMail", to: ["buyer@customer.example.com"] });
  await run(env);
  assert.deepEqual(env.session, {});
});

test("without getComposeTypeAsync (before Mailbox 1.10) the event still completes and keeps nothing", async () => {
  const env = composing({ composeType: "reply", to: ["buyer@customer.example.com"], withComposeType: false });
  await run(env);
  assert.deepEqual(env.session, {});
});

test("Outlook failing to answer still ends in event.completed", async () => {
  const failing = composing({ composeType: "reply", to: ["buyer@customer.example.com"] });
  failing.office.context.mailbox.item.getComposeTypeAsync = (cb) => cb({ status: "failed", error: { message: "boom" } });
  await run(failing);
  assert.deepEqual(failing.session, {});

  const throwing = composing({ composeType: "reply" });
  throwing.office.context.mailbox.item.sessionData.setAsync = () => { throw new Error("quota"); };
  await run(throwing);
});

test("a reply all to thousands keeps only the domains, within sessionData's limit", async () => {
  const to = Array.from({ length: 2000 }, (_, i) => `person${i}@company${i % 7}.example.com`);
  const env = composing({ composeType: "reply", to });
  await run(env);
  const stored = env.session.safemailThread;
  assert.ok(stored.length < 50000);
  assert.equal(JSON.parse(stored).addresses.length, 7);
  assert.equal(JSON.parse(stored).addresses[0], "@company0.example.com");
});
