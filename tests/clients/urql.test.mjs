// urql (@urql/core 6) against the served API: a query (urql sends it as a GET
// within the URL limit), and a mutation answering a typed error.
import test from "node:test";
import assert from "node:assert/strict";
import { Client, cacheExchange, fetchExchange, gql } from "@urql/core";
import { GRAPHQL, getJson, recordingFetch } from "./common.mjs";
import { TYPED_ERROR, TYPED_ERROR_VARIABLES } from "./documents.mjs";

test("urql: a query and a mutation with a typed error", async () => {
  const rec = recordingFetch();
  const urql = new Client({ url: GRAPHQL, fetch: rec.fetch, exchanges: [cacheExchange, fetchExchange] });
  const districts = await urql.query(gql`query UrqlDistricts { districts { code name } }`, {})
    .toPromise();
  assert.equal(districts.error, undefined, String(districts.error));
  assert.ok(districts.data.districts.some((d) => d.code === "440604"));
  assert.equal(rec.calls[0].method, "GET");
  const refused = await urql.mutation(TYPED_ERROR, TYPED_ERROR_VARIABLES).toPromise();
  assert.equal(refused.error, undefined, String(refused.error));
  const result = refused.data.startFaceLogin;
  const { UserError } = await getJson("/ui/possible-types.json");
  assert.ok(UserError.includes(result.__typename), result.__typename);
  assert.equal(typeof result.code, "string");
  assert.ok(result.message.length > 0);
  const broken = await urql.query(gql`query Broken { noSuchField }`, {}).toPromise();
  assert.equal(broken.error.graphQLErrors[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
});
