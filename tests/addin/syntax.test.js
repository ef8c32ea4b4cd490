// The send handler must parse as ES2016: classic Outlook before build 2403 runs it in a JavaScript-only runtime that
// knows nothing newer (no async/await, no object spread, no optional chaining).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const acorn = require("acorn");

const handler = path.join(__dirname, "../../src/Miraie.SafeMail.Web/wwwroot/addin/send-handler.js");

test("the send handler, the pane logic and the held-mail sections parse as ES2016 script (no modules, no newer syntax)", () => {
  for (const file of [handler, ...["pane-logic.js", "waiting-logic.js", "waiting-pane.js", "incident-logic.js", "taskpane.js"].map((f) => path.join(path.dirname(handler), f))]) {
    const source = fs.readFileSync(file, "utf8");
    assert.doesNotThrow(() => acorn.parse(source, { ecmaVersion: 2016, sourceType: "script" }), file);
  }
});

test("the ES2016 check refuses what the classic runtime cannot run", () => {
  for (const newer of ["async function f() { await g(); }", "const a = { ...b };", "a?.b", "import x from 'y';"]) {
    assert.throws(() => acorn.parse(newer, { ecmaVersion: 2016, sourceType: "script" }), undefined, newer);
  }
});

test("the send handler stays short and uses no DOM, storage or module loader", () => {
  const source = fs.readFileSync(handler, "utf8");
  assert.ok(source.split("\n").length < 300, "short-running, small file");
  // Identifiers in the code itself (comments and strings are not tokens of type "name").
  const names = new Set([...acorn.tokenizer(source, { ecmaVersion: 2016 })].filter((t) => t.type.label === "name").map((t) => t.value));
  for (const forbidden of ["document", "window", "localStorage", "sessionStorage", "require", "XMLHttpRequest"]) {
    assert.ok(!names.has(forbidden), forbidden);
  }
});
