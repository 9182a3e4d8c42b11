// Verifies a credential with Digital Bazaar's libraries (the ones behind the W3C VC test suites),
// so that this site's signatures are checked by an implementation other than its own.
//
//   node verify.mjs CREDENTIAL.json WORLD.json
//
// WORLD.json maps each URL the verifier may dereference (the issuer's DID document, the status list
// credential) to its document; JSON-LD contexts come from the pinned copies in certificates/contexts.
// Prints {"verified": true|false, "errors": [...], "revoked": true|false|null}.
import {readFileSync} from 'node:fs';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const contextsDir = new URL('../../contexts/', import.meta.url);
const pinned = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
};
const [credentialPath, worldPath] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
const world = JSON.parse(readFileSync(worldPath, 'utf8'));

async function documentLoader(url) {
  if(pinned[url]) {
    const document = JSON.parse(readFileSync(new URL(pinned[url], contextsDir), 'utf8'));
    return {contextUrl: null, documentUrl: url, document};
  }
  const [base, fragment] = url.split('#');
  const document = world[base];
  if(!document) {
    throw new Error(`Not in this verifier's world: ${url}`);
  }
  if(fragment === undefined) {
    return {contextUrl: null, documentUrl: url, document};
  }
  const method = (document.verificationMethod || []).find(vm => vm.id === url);
  if(!method) {
    throw new Error(`No verification method ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: {'@context': document['@context'], ...method}};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const result = await vc.verifyCredential({
  credential,
  suite,
  documentLoader,
  checkStatus: credential.credentialStatus ? checkStatus : undefined,
});
const errors = [];
for(const problem of [result.error, ...(result.results || []).map(r => r.error)]) {
  if(!problem) continue;
  for(const error of problem.errors || [problem]) {
    errors.push(String(error.message || error));
  }
}
const revoked = result.statusResult ? result.statusResult.verified && result.statusResult.results?.[0]?.status : null;
process.stdout.write(JSON.stringify({verified: result.verified, errors, revoked, status: result.statusResult ?? null}));
