// graphql-request 7 against the served API: a query, a mutation answering a
// typed error, and batches (one bad item fails alone).
import test from "node:test";
import assert from "node:assert/strict";
import { ClientError, GraphQLClient, gql } from "graphql-request";
import { GRAPHQL, getJson } from "./common.mjs";
import { TYPED_ERROR, TYPED_ERROR_VARIABLES } from "./documents.mjs";

test("graphql-request: a query, a typed error, a batch", async () => {
  const client = new GraphQLClient(GRAPHQL);
  const { districts } = await client.request(gql`query { districts { code name } }`);
  assert.ok(districts.length >= 5);
  const { startFaceLogin } = await client.request(TYPED_ERROR, TYPED_ERROR_VARIABLES);
  const { UserError } = await getJson("/ui/possible-types.json");
  assert.ok(UserError.includes(startFaceLogin.__typename));
  assert.equal(typeof startFaceLogin.code, "string");
  const batch = await client.batchRequests([
    { document: gql`query { districts { code } }` },
    { document: gql`query Info { serviceInfo { name } }` },
    { document: gql`query Halls($x: Boolean!) { halls @include(if: $x) { id } }`,
      variables: { x: true } },
  ]);
  assert.equal(batch.length, 3);
  assert.ok(batch[0].data.districts.length >= 5);
  assert.ok(batch[1].data.serviceInfo.name);
  assert.ok(batch[2].data.halls.length > 0);
});

test("graphql-request: one bad item of a batch fails alone", async () => {
  const all = new GraphQLClient(GRAPHQL, { errorPolicy: "all" });
  const [good, bad] = await all.batchRequests([
    { document: gql`query { districts { code } }` },
    { document: gql`query { noSuchField }` },
  ]);
  assert.ok(good.data.districts.length >= 5);
  assert.equal(bad.errors[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
  // With the default policy the client reports the error, with its code.
  await assert.rejects(new GraphQLClient(GRAPHQL).request(gql`query { noSuchField }`),
                       (e) => e instanceof ClientError &&
                         e.response.errors[0].extensions.code === "GRAPHQL_VALIDATION_FAILED");
});
