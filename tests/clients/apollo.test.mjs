// Apollo Client 4 with the persisted-query link against the served API:
// the APQ miss -> retry with the document -> hit; the project's own operations
// sent by hash alone; the cache normalising Property, Certificate and
// Appointment by id through those operations (they ask for __typename); and
// the served possibleTypes keeping the UserError fields of union results.
import test from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GRAPHQL, TOKEN, bookingRange, getJson, operationText, recordingFetch,
         sha256 } from "./common.mjs";

const GR = "application/graphql-response+json";

function client({ link, fetch, token, possibleTypes } = {}) {
  const http = new HttpLink({ uri: GRAPHQL, fetch,
                              headers: token ? { authorization: `Bearer ${token}` } : {} });
  return new ApolloClient({ cache: new InMemoryCache({ possibleTypes }), link: link.concat(http) });
}

test("APQ: a miss, the retry with the document, then a hit", async () => {
  const rec = recordingFetch();
  const alias = `d${randomUUID().replaceAll("-", "")}`;
  const query = gql(`query ApolloProbe { ${alias}: districts { code name } }`);
  const first = await client({ link: new PersistedQueryLink({ sha256 }), fetch: rec.fetch })
    .query({ query });
  assert.ok(first.data[alias].length >= 5);
  const [miss, retry] = rec.calls;
  assert.equal(miss.request.query, undefined);
  assert.match(miss.request.extensions.persistedQuery.sha256Hash, /^[0-9a-f]{64}$/);
  assert.match(miss.accept, /application\/graphql-response\+json/);
  assert.equal(miss.status, 404);  // no data: the spec's 4xx for graphql-response+json
  assert.ok(miss.contentType.startsWith(GR));
  assert.equal(miss.response.errors[0].extensions.code, "PERSISTED_QUERY_NOT_FOUND");
  assert.ok(retry.request.query.includes("ApolloProbe"));
  assert.equal(retry.status, 200);
  // A fresh client (a new phone): the server now knows the hash.
  const second = await client({ link: new PersistedQueryLink({ sha256 }), fetch: rec.fetch })
    .query({ query });
  assert.deepEqual(second.data, first.data);
  const hit = rec.calls[2];
  assert.equal(rec.calls.length, 3);
  assert.equal(hit.request.query, undefined);
  assert.equal(hit.status, 200);
});

test("the project's operations run by hash alone, and the cache normalises by id", async () => {
  assert.ok(TOKEN, "FSREG_TOKEN (a face-verified citizen) is not set");
  const manifest = (await getJson("/ui/operations.json")).operations;
  const possibleTypes = await getJson("/ui/possible-types.json");
  const nameOf = (doc) => doc.definitions.find((d) => d.kind === "OperationDefinition").name.value;
  const rec = recordingFetch();
  const link = new PersistedQueryLink({ generateHash: (doc) => manifest[nameOf(doc)] });
  const apollo = client({ link, fetch: rec.fetch, token: TOKEN, possibleTypes });
  const op = (name) => gql(operationText(name));

  const mine = await apollo.query({ query: op("MyProperties"), variables: { first: 20 } });
  const pid = mine.data.myProperties.edges[0].node.id;
  const detail = await apollo.query({ query: op("PropertyDetail"), variables: { id: pid } });
  assert.equal(detail.data.property.id, pid);

  const issued = await apollo.mutate({ mutation: op("IssueCertificate"), variables: {
    input: { kind: "HOLDINGS", purpose: "SCHOOL_ENROLMENT", idempotencyKey: randomUUID() } } });
  assert.equal(issued.data.issueCertificate.__typename, "CertificateIssued");
  const cid = issued.data.issueCertificate.certificate.id;
  await apollo.query({ query: op("MyCertificates") });

  const { from, to } = bookingRange();
  const slots = await apollo.query({ query: op("AvailableSlots"), variables: {
    hallId: "FS-CENTRE", serviceItem: "TRANSFER", from, to } });
  const slot = slots.data.availableSlots.find((s) => s.remaining > 0);
  assert.ok(slot, `no free slot at FS-CENTRE from ${from} to ${to}`);
  const booked = await apollo.mutate({ mutation: op("BookAppointment"), variables: {
    input: { slotId: slot.id, serviceItem: "TRANSFER", idempotencyKey: randomUUID() } } });
  assert.equal(booked.data.bookAppointment.__typename, "BookingConfirmed", JSON.stringify(booked));
  const aid = booked.data.bookAppointment.appointment.id;
  await apollo.query({ query: op("MyAppointments") });

  // Nothing but hashes went over the wire, and no hash was unknown.
  for (const call of rec.calls) {
    assert.equal(call.request.query, undefined, `${call.request.operationName} sent its document`);
    assert.equal(call.status, 200, JSON.stringify(call.response));
  }
  const cache = apollo.cache.extract();
  for (const key of [`Property:${pid}`, `Certificate:${cid}`, `Appointment:${aid}`]) {
    assert.ok(cache[key], `${key} is not in the normalised cache`);
  }
  const root = cache.ROOT_QUERY;
  assert.deepEqual(root[`property({"id":"${pid}"})`], { __ref: `Property:${pid}` });
  const listed = Object.entries(root).find(([k]) => k.startsWith("myProperties"))[1];
  assert.ok(listed.edges.some((e) => e.node.__ref === `Property:${pid}`));
  assert.ok(root.myCertificates.some((c) => c.__ref === `Certificate:${cid}`));
  assert.ok(root.myAppointments.some((a) => a.__ref === `Appointment:${aid}`));

  // A typed error of a union result keeps its UserError fields in the cache
  // with the served possibleTypes; without them, the cache drops them.
  const rebook = (c) => c.mutate({ mutation: op("BookAppointment"), keepRootFields: true,
    variables: { input: { slotId: slot.id, serviceItem: "TRANSFER",
                          idempotencyKey: randomUUID() } } });
  const stored = (c, typename) => Object.values(c.cache.extract().ROOT_MUTATION)
    .find((v) => v && v.__typename === typename);
  const refused = (await rebook(apollo)).data.bookAppointment;
  assert.ok(possibleTypes.UserError.includes(refused.__typename), refused.__typename);
  assert.equal(typeof refused.code, "string");
  assert.ok(refused.message.length > 0);
  assert.equal(stored(apollo, refused.__typename).code, refused.code);
  assert.equal(stored(apollo, refused.__typename).message, refused.message);
  const unaware = client({ link, fetch: rec.fetch, token: TOKEN });
  await rebook(unaware);
  assert.equal(stored(unaware, refused.__typename).code, undefined);
});
