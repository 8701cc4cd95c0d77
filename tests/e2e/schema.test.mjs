// The shipped JSON Schema takes what the collector takes, in both schema versions, and refuses
// what it refuses: a scale in the other version's form, a rating off its scale, metadata and
// user members past their limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { root } from "./server.mjs";

const schema = JSON.parse(readFileSync(join(root, "payload", "feedback.schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const v1 = () => ({
  id: "0b6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4", schema_version: 1, rating: 2, scale: 5, comment: "Slow", email: null,
  page: { url: "https://shop.example/", title: "Shop", referrer: "" }, locale: "en", user_agent: "Mozilla/5.0",
  viewport: { width: 390, height: 844 }, created_at: "2026-11-23T10:00:00.000Z", widget_version: "0.1.0", honeypot: "",
});
const v2 = (changes = {}) => ({
  ...v1(), schema_version: 2, scale: "csat5",
  user: { id: "u_4821", email: "ana@shop.example", name: "Ana" }, metadata: { plan: "pro", seats: "4" }, ...changes,
});
const accepted = (payload) => [validate(payload), JSON.stringify(validate.errors)];

test("version 2 payloads on every scale, with and without user and metadata", () => {
  for (const [scale, lowest, highest] of [["csat5", 1, 5], ["stars5", 1, 5], ["emoji5", 1, 5], ["thumbs", 0, 1], ["nps", 0, 10]]) {
    for (const rating of [lowest, highest]) assert.deepEqual(accepted(v2({ scale, rating })), [true, "null"], `${scale} ${rating}`);
    assert.equal(validate(v2({ scale, rating: highest + 1 })), false, `${scale} ${highest + 1}`);
    assert.equal(validate(v2({ scale, rating: lowest - 1 })), false, `${scale} ${lowest - 1}`);
  }
  const bare = v2();
  delete bare.user;
  delete bare.metadata;
  assert.deepEqual(accepted(bare), [true, "null"]);
  assert.deepEqual(accepted(v2({ user: null, metadata: null })), [true, "null"]);
  assert.deepEqual(accepted(v2({ user: { email: "ana@shop.example", id: null } })), [true, "null"]);
});

test("version 1 payloads are still accepted, and only with the number 5", () => {
  assert.deepEqual(accepted(v1()), [true, "null"]);
  assert.equal(validate({ ...v1(), scale: "csat5" }), false, "a name in version 1");
  assert.equal(validate({ ...v1(), rating: 0 }), false);
  assert.equal(validate(v2({ scale: 5 })), false, "a number in version 2");
  assert.equal(validate(v2({ scale: "nps10" })), false, "an unknown scale");
  assert.equal(validate(v2({ schema_version: 3 })), false);
});

test("user and metadata limits", () => {
  const entries = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, "v"]));
  assert.deepEqual(accepted(v2({ metadata: entries(20) })), [true, "null"]);
  assert.equal(validate(v2({ metadata: entries(21) })), false, "21 entries");
  assert.equal(validate(v2({ metadata: { ["k".repeat(65)]: "v" } })), false, "a 65-character key");
  assert.equal(validate(v2({ metadata: { "": "v" } })), false, "an empty key");
  assert.equal(validate(v2({ metadata: { "a:b": "v" } })), false, "a key with the filter's separator");
  assert.equal(validate(v2({ metadata: { plan: "p".repeat(257) } })), false, "a 257-character value");
  assert.equal(validate(v2({ metadata: { plan: 3 } })), false, "values are strings");
  assert.equal(validate(v2({ user: { id: "i".repeat(129) } })), false);
  assert.equal(validate(v2({ user: { id: "" } })), false, "unknown is null, not empty");
  assert.equal(validate(v2({ user: { name: "n".repeat(201) } })), false);
  assert.equal(validate(v2({ user: { email: "owner@shop.example?bcc=x@evil.example" } })), false);
});
