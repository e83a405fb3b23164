// Documents shared by the urql and graphql-request tests.
export const TYPED_ERROR = `mutation StartWithOldConsent($i: StartFaceLoginInput!) {
  startFaceLogin(input: $i) { __typename ... on UserError { code message } } }`;
// An outdated consent version: a typed ConsentRequired, before anything is recorded.
export const TYPED_ERROR_VARIABLES = { i: { name: "陈志强", idNumber: "440604196603129119",
                                            channel: "FOSHANTONG", consentVersion: "1999-01" } };
