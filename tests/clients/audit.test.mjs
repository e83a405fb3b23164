// graphql-http's conformance audit (GraphQL over HTTP spec) against the served
// API: every MUST, SHOULD and MAY audit must pass.
import test from "node:test";
import assert from "node:assert/strict";
import { auditServer } from "graphql-http";
import { GRAPHQL } from "./common.mjs";

test("graphql-http auditServer: every audit is ok", async () => {
  const results = await auditServer({ url: GRAPHQL });
  for (const r of results) console.log(`${r.status.padEnd(6)} ${r.id} ${r.name}`);
  const failed = results.filter((r) => r.status !== "ok");
  assert.deepEqual(failed.map((r) => `${r.id} ${r.status} ${r.name}: ${r.reason}`), []);
  assert.ok(results.length >= 40, `only ${results.length} audits ran`);
});
