// Unit tests of the send handler with office-addin-mock: every allowing and blocking path ends in event.completed.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { OfficeMockObject } = require("office-addin-mock");
const handler = require("../../src/Miraie.SafeMail.Web/wwwroot/addin/send-handler.js");

const POLICY = { internalDomains: ["example.co.jp", "*.example.co.jp"], confirm: "external", offline: "block" };

function ok(value) {
  return (...args) => args[args.length - 1]({ status: "succeeded", value });
}

function mailbox({ to = [], cc = [], bcc = [], attachments = [], confirmed = null, language = "ja-JP", roaming = {} }) {
  const settings = Object.assign({}, roaming);
  const data = {
    host: "outlook", // office-addin-mock: Outlook properties are read directly, without load()/sync()
    context: {
      displayLanguage: language,
      roamingSettings: {
        get: (key) => settings[key],
        set: (key, value) => { settings[key] = value; },
        saveAsync: (cb) => cb({ status: "succeeded" }),
      },
      mailbox: {
        item: {
          to: { getAsync: ok(to.map((emailAddress) => ({ emailAddress }))) },
          cc: { getAsync: ok(cc.map((emailAddress) => ({ emailAddress }))) },
          bcc: { getAsync: ok(bcc.map((emailAddress) => ({ emailAddress }))) },
          getAttachmentsAsync: ok(attachments),
          sessionData: {
            getAsync: (key, cb) => (confirmed === null
              ? cb({ status: "failed", error: { message: "not found" } })
              : cb({ status: "succeeded", value: confirmed })),
          },
        },
      },
    },
  };
  return { office: new OfficeMockObject(data), settings };
}

function serverReturning(policy) {
  const calls = [];
  const fetch = (url, options) => {
    calls.push({ url, options });
    return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(policy) });
  };
  return { fetch, calls };
}

function run(env, fetch) {
  return new Promise((resolve) => {
    handler.onMessageSendHandler({ completed: resolve }, { office: env.office, fetch });
  });
}

test("internal recipients without attachments are allowed without asking", async () => {
  const result = await run(mailbox({ to: ["suzuki@example.co.jp"], cc: ["sato@tokyo.example.co.jp"] }), serverReturning(POLICY).fetch);
  assert.deepEqual(result, { allowEvent: true });
});

test("an external recipient blocks with a Japanese message that opens the task pane", async () => {
  const result = await run(mailbox({ to: ["buyer@customer.example.com"] }), serverReturning(POLICY).fetch);
  assert.equal(result.allowEvent, false);
  assert.match(result.errorMessage, /宛先と添付ファイルの確認が必要です/);
  assert.match(result.errorMessage, /社外の宛先: 1件/);
  assert.ok(result.errorMessage.length <= 500);
  assert.equal(result.commandId, "SafeMailOpenPane");
  assert.ok(result.cancelLabel.length <= 20);
  assert.equal(JSON.parse(result.contextData).reason, "unconfirmed");
});

test("an attachment to an internal recipient also needs confirming, in English for an English Outlook", async () => {
  const env = mailbox({ to: ["suzuki@example.co.jp"], attachments: [{ name: "見積書.pdf", size: 1200, isInline: false }], language: "en-US" });
  const result = await run(env, serverReturning(POLICY).fetch);
  assert.equal(result.allowEvent, false);
  assert.match(result.errorMessage, /^Please confirm/);
  assert.match(result.errorMessage, /Attachments: 1/);
});

test("inline images are body, not attachments", async () => {
  const env = mailbox({ to: ["suzuki@example.co.jp"], attachments: [{ name: "logo.png", size: 900, isInline: true }] });
  assert.deepEqual(await run(env, serverReturning(POLICY).fetch), { allowEvent: true });
});

test("a stored fingerprint of exactly these recipients and attachments allows the send; BCC counts", async () => {
  const recipients = ["buyer@customer.example.com", "suzuki@example.co.jp", "boss@customer.example.com"];
  const attachments = [{ name: "見積書.zip", size: 5000, isInline: false }];
  const confirmed = handler.fingerprint(["Buyer@Customer.example.com", "suzuki@example.co.jp", "boss@customer.example.com"], attachments);
  const env = mailbox({ to: [recipients[0]], cc: [recipients[1]], bcc: [recipients[2]], attachments, confirmed });
  assert.deepEqual(await run(env, serverReturning(POLICY).fetch), { allowEvent: true });
});

test("a recipient added after confirming blocks again and says that something changed", async () => {
  const attachments = [{ name: "見積書.zip", size: 5000, isInline: false }];
  const confirmed = handler.fingerprint(["buyer@customer.example.com"], attachments);
  const env = mailbox({ to: ["buyer@customer.example.com"], bcc: ["other@rival.example.net"], attachments, confirmed });
  const result = await run(env, serverReturning(POLICY).fetch);
  assert.equal(result.allowEvent, false);
  assert.match(result.errorMessage, /確認後に宛先または添付ファイルが変更されました/);
});

test("an attachment swapped for one of another size after confirming blocks again", async () => {
  const confirmed = handler.fingerprint(["buyer@customer.example.com"], [{ name: "見積書.pdf", size: 100 }]);
  const env = mailbox({ to: ["buyer@customer.example.com"], attachments: [{ name: "見積書.pdf", size: 101, isInline: false }], confirmed });
  assert.equal((await run(env, serverReturning(POLICY).fetch)).allowEvent, false);
});

test("a policy that asks for nothing allows; one that asks always blocks even internal mail", async () => {
  const external = mailbox({ to: ["buyer@customer.example.com"] });
  assert.deepEqual(await run(external, serverReturning({ ...POLICY, confirm: "never" }).fetch), { allowEvent: true });
  const internal = mailbox({ to: ["suzuki@example.co.jp"] });
  assert.equal((await run(internal, serverReturning({ ...POLICY, confirm: "always" }).fetch)).allowEvent, false);
});

test("the server unreachable and no cached policy: blocked with a message the user understands", async () => {
  const failing = () => Promise.reject(new TypeError("Failed to fetch"));
  const result = await run(mailbox({ to: ["suzuki@example.co.jp"] }), failing);
  assert.equal(result.allowEvent, false);
  assert.match(result.errorMessage, /サーバーに接続できない/);
});

test("the server unreachable with a cached policy that allows offline use: decided from the cache", async () => {
  const failing = () => Promise.reject(new TypeError("Failed to fetch"));
  const env = mailbox({ to: ["suzuki@example.co.jp"], roaming: { safemailPolicy: { ...POLICY, offline: "use-cached" } } });
  assert.deepEqual(await run(env, failing), { allowEvent: true });
});

test("an HTTP error from the server counts as unreachable; a good answer is cached for next time", async () => {
  const httpError = () => Promise.resolve({ ok: false, status: 502, json: () => Promise.reject(new Error("no")) });
  assert.equal((await run(mailbox({ to: ["suzuki@example.co.jp"] }), httpError)).allowEvent, false);

  const env = mailbox({ to: ["suzuki@example.co.jp"] });
  const server = serverReturning(POLICY);
  await run(env, server.fetch);
  assert.deepEqual(env.settings.safemailPolicy, POLICY);
  assert.equal(server.calls[0].url, "__SAFEMAIL_BASE__/api/addin/policy");
});

test("Outlook failing to read the recipients still ends in event.completed, blocked", async () => {
  const env = mailbox({ to: ["suzuki@example.co.jp"] });
  env.office.context.mailbox.item.to.getAsync = (cb) => cb({ status: "failed", error: { message: "boom" } });
  const result = await run(env, serverReturning(POLICY).fetch);
  assert.equal(result.allowEvent, false);
});

test("internal means the policy's domains: subdomains only with a wildcard, look-alikes are external", () => {
  const domains = ["example.co.jp", "*.example.co.jp"];
  assert.equal(handler.isInternal("a@example.co.jp", domains), true);
  assert.equal(handler.isInternal("a@osaka.example.co.jp", domains), true);
  assert.equal(handler.isInternal("a@example.co.jp.evil.example", domains), false);
  assert.equal(handler.isInternal("a@badexample.co.jp", domains), false);
  assert.equal(handler.isInternal("a@example.co.jp", ["*.example.co.jp"]), false);
  assert.equal(handler.isInternal("not-an-address", domains), false);
});

test("every blocking message fits Smart Alerts' 500 characters in both languages", () => {
  for (const language of ["ja", "en"]) {
    for (const reason of ["unconfirmed", "changed", "offline"]) {
      const text = handler.message(language, { reason, external: 999, attachments: 999 });
      assert.ok(text.length > 0 && text.length <= 500, `${language} ${reason}`);
    }
  }
});
