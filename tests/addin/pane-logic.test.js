// The task pane's decisions, without Outlook: grouping, highlights, the BCC suggestion, "every box ticked".
const { test } = require("node:test");
const assert = require("node:assert/strict");
require("../../src/Miraie.SafeMail.Web/wwwroot/addin/send-handler.js"); // defines globalThis.SafeMailSendHandler, as the pane page does
const pane = require("../../src/Miraie.SafeMail.Web/wwwroot/addin/pane-logic.js");

const INTERNAL = ["example.co.jp", "*.example.co.jp"];

test("recipients are grouped by domain, external first, internal last", () => {
  const groups = pane.groupByDomain([
    { address: "suzuki@example.co.jp", field: "to" },
    { address: "Buyer@Customer.example.com", field: "to" },
    { address: "boss@customer.example.com", field: "cc" },
    { address: "sato@osaka.example.co.jp", field: "bcc" },
  ], INTERNAL, []);
  assert.deepEqual(groups.map((g) => [g.domain, g.internal, g.recipients.length]), [
    ["customer.example.com", false, 2],
    ["example.co.jp", true, 1],
    ["osaka.example.co.jp", true, 1],
  ]);
  assert.equal(groups[0].recipients[0].address, "buyer@customer.example.com");
});

test("a domain not among the original recipients of a reply is flagged new; a new message flags nothing", () => {
  const reply = pane.groupByDomain([
    { address: "buyer@customer.example.com", field: "to" },
    { address: "someone@rival.example.net", field: "cc" },
  ], INTERNAL, ["buyer@customer.example.com", "tanaka@example.co.jp"]);
  assert.deepEqual(reply.map((g) => [g.domain, g.newToThread]), [["customer.example.com", false], ["rival.example.net", true]]);

  const fresh = pane.groupByDomain([{ address: "someone@rival.example.net", field: "to" }], INTERNAL, []);
  assert.equal(fresh[0].newToThread, false);
});

test("with the thread's snapshot: a domain added after the reply was opened is new, the original's domains are not", () => {
  const original = pane.threadOriginal(JSON.stringify({ composeType: "reply", addresses: ["buyer@customer.example.com", "tanaka@example.co.jp"] }));
  const groups = pane.groupByDomain([
    { address: "buyer@customer.example.com", field: "to" },
    { address: "boss@CUSTOMER.example.com", field: "cc" },
    { address: "someone@rival.example.net", field: "cc" },
    { address: "sato@osaka.example.co.jp", field: "cc" },
  ], INTERNAL, original);
  assert.deepEqual(groups.map((g) => [g.domain, g.newToThread]), [
    ["customer.example.com", false], ["rival.example.net", true], ["osaka.example.co.jp", false],
  ], "a colleague joining is not flagged: only external domains are");
});

test("a forward, a new message, a missing or broken snapshot: nothing to compare with, so nothing is flagged new", () => {
  for (const snapshot of [JSON.stringify({ composeType: "forward", addresses: [] }), JSON.stringify({ composeType: "newMail", addresses: ["a@b.example"] }),
    undefined, null, "", "{not json", JSON.stringify({ composeType: "reply" })]) {
    const original = pane.threadOriginal(snapshot);
    assert.deepEqual(original, [], String(snapshot));
    assert.equal(pane.groupByDomain([{ address: "someone@rival.example.net", field: "to" }], INTERNAL, original)[0].newToThread, false);
  }
});

test("a snapshot cut down to domains (a huge reply all) still tells old domains from new", () => {
  const original = pane.threadOriginal(JSON.stringify({ composeType: "reply", addresses: ["@customer.example.com"] }));
  const groups = pane.groupByDomain([{ address: "x@customer.example.com", field: "to" }, { address: "y@rival.example.net", field: "to" }], INTERNAL, original);
  assert.deepEqual(groups.map((g) => g.newToThread), [false, true]);
});

test("archive ids accumulate comma-separated in one header, earlier ones kept, none twice", () => {
  assert.equal(pane.appendArchiveId("", "a1"), "a1");
  assert.equal(pane.appendArchiveId(undefined, "a1"), "a1");
  assert.equal(pane.appendArchiveId("a1", "a2"), "a1,a2");
  assert.equal(pane.appendArchiveId("a1, a2", "a1"), "a1,a2");
  assert.equal(pane.appendArchiveId("a1", "a2,a3"), "a1,a2,a3");
});

test("the password is sent by the server in gateway and graph modes; pane mode or an unknown answer keeps the button", () => {
  assert.equal(pane.sendsPasswordAutomatically({ passwordDelivery: "gateway" }), true);
  assert.equal(pane.sendsPasswordAutomatically({ passwordDelivery: "graph" }), true);
  assert.equal(pane.sendsPasswordAutomatically({ passwordDelivery: "pane" }), false);
  assert.equal(pane.sendsPasswordAutomatically({}), false, "an older server says nothing: never promise a mail nobody sends");
  assert.equal(pane.sendsPasswordAutomatically(null), false);
});

test("free-mail and carrier domains are flagged", () => {
  const groups = pane.groupByDomain([
    { address: "taro@gmail.com", field: "to" },
    { address: "hanako@docomo.ne.jp", field: "to" },
    { address: "buyer@customer.example.com", field: "to" },
  ], INTERNAL, []);
  assert.deepEqual(groups.filter((g) => g.freeMail).map((g) => g.domain).sort(), ["docomo.ne.jp", "gmail.com"]);
});

test("three or more external domains in To/CC suggest moving those recipients to BCC; BCC and internal ones do not count", () => {
  const two = [
    { address: "a@one.example", field: "to" }, { address: "b@two.example", field: "cc" },
    { address: "c@three.example", field: "bcc" }, { address: "d@example.co.jp", field: "to" },
  ];
  assert.deepEqual(pane.suggestBcc(two, INTERNAL), []);
  const three = two.concat([{ address: "e@three.example", field: "to" }]);
  assert.deepEqual(pane.suggestBcc(three, INTERNAL), ["a@one.example", "b@two.example", "e@three.example"]);
});

test("send is confirmed only when every recipient and attachment is ticked", () => {
  const recipients = [{ address: "buyer@customer.example.com" }, { address: "boss@customer.example.com" }];
  const attachments = [{ name: "見積書.zip", size: 5000 }];
  const ticked = { "r:buyer@customer.example.com": true, "a:見積書.zip\u00005000": true };
  assert.equal(pane.allTicked(recipients, attachments, ticked), false);
  ticked["r:boss@customer.example.com"] = true;
  assert.equal(pane.allTicked(recipients, attachments, ticked), true);
  assert.equal(pane.allTicked([], [], {}), false, "nothing to confirm is not a confirmation");
});

test("files go as the recipients' domains are set: block over all, plain only when every external domain takes plain, a link when any wants one", () => {
  const policy = {
    internalDomains: ["example.co.jp"],
    fileDelivery: { default: "zip", domains: [{ domain: "link.example.com", mode: "link" }, { domain: "*.plain.example", mode: "plain" }, { domain: "block.example.com", mode: "block" }] },
  };
  const to = (...addresses) => addresses.map((address) => ({ address, field: "to" }));
  assert.equal(pane.fileDeliveryFor(to("a@other.example"), policy), "zip", "the default");
  assert.equal(pane.fileDeliveryFor(to("a@Link.Example.com"), policy), "link");
  assert.equal(pane.fileDeliveryFor(to("a@mx.plain.example", "suzuki@example.co.jp"), policy), "plain", "internal recipients follow");
  assert.equal(pane.fileDeliveryFor(to("a@plain.example"), policy), "zip", "a wildcard is for subdomains only");
  assert.equal(pane.fileDeliveryFor(to("a@mx.plain.example", "b@other.example"), policy), "zip");
  assert.equal(pane.fileDeliveryFor(to("a@link.example.com", "b@other.example"), policy), "link");
  assert.equal(pane.fileDeliveryFor(to("a@link.example.com", "b@block.example.com"), policy), "block");
  assert.equal(pane.fileDeliveryFor(to("suzuki@example.co.jp"), policy), "plain", "internal only");
  assert.equal(pane.fileDeliveryFor(to("a@other.example"), { internalDomains: [] }), "zip", "an older server without the setting: the ZIP as before");
});
