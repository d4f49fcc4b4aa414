// Independent checks of certlab's Open Badges 3.0 credentials with the
// libraries of the field: Digital Bazaar's @digitalbazaar/vc,
// data-integrity, eddsa-rdfc-2022-cryptosuite and ed25519-signature-2020,
// jose, and ajv with 1EdTech's JSON schemas.
//
// Reads one JSON request on stdin and writes one JSON answer on stdout:
//
//   {"mode":"verify","credential":{…},"documents":{url:doc},"now":"…"}
//       -> {"verified":bool,"error":"…","status":[{"index":n,"set":bool}]}
//      @digitalbazaar/vc verifyCredential (safe mode) with eddsa-rdfc-2022 and
//      Ed25519Signature2020; status lists are verified the same way and their
//      bits decoded here with node:zlib.
//   {"mode":"verify-jwt","jwt":"…","documents":{…},"typ":"JWT"}
//       -> {"header":{…},"payload":{…}}   (jose; key dereferenced from kid)
//   {"mode":"schema","schema":"achievementcredential"|"profile","document":{…}}
//       -> {"valid":bool,"errors":[…]}    (ajv, JSON Schema draft 2019-09)
//   {"mode":"issue","suite":"eddsa-rdfc-2022"|"Ed25519Signature2020",
//    "credential":{…},"seed":"hex"}
//       -> {"credential":{…},"verificationMethod":"did:key:…#…"}
//      Digital Bazaar signs with a did:key issuer made from the seed.
//   {"mode":"extract-png","png":"base64"} -> {"keyword":"…","compression":n,"text":"…"}
//      png-chunks-extract reads the chunks (checking their CRCs); the first
//      iTXt chunk with keyword openbadgecredential is decoded here.
//
// The document loader never touches the network: contexts come from npm
// packages (VC, Data Integrity, Multikey, Ed25519 2020, DID) or, for those
// no package ships (Open Badges, W3C Controlled Identifiers), from the copies
// in ../../contexts; every other document comes from the request.
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {createPublicKey} from 'node:crypto';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import ed25519Context from 'ed25519-signature-2020-context';
import didContext from 'did-context';
import jsigs from 'jsonld-signatures';
import {importJWK, jwtVerify, decodeProtectedHeader} from 'jose';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import extractChunks from 'png-chunks-extract';

const here = new URL('.', import.meta.url);

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));

// ---- document loader ------------------------------------------------------

const contexts = new Map();
for (const m of [credentialsContext.contexts, dataIntegrityContext.contexts,
  multikeyContext.contexts, ed25519Context.contexts, didContext.contexts]) {
  for (const [url, doc] of m) contexts.set(url, doc);
}
const shipped = {
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'ob-v3p0-context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': 'ob-v3p0-context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'ob-v3p0-context.json',
  'https://www.w3.org/ns/cid/v1': 'cid-v1.jsonld',
};
for (const [url, file] of Object.entries(shipped)) {
  try {
    contexts.set(url, JSON.parse(readFileSync(new URL('../../contexts/' + file, here), 'utf8')));
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

const documents = req.documents ?? {};

// Dereferences url: a context, a did:key, a document given in the request,
// or a fragment of one (a verification method inside a controller document).
async function load(url) {
  if (contexts.has(url)) return contexts.get(url);
  if (url.startsWith('did:key:')) return didKey.get({url});
  if (url in documents) return documents[url];
  const [base, frag] = url.split('#');
  if (frag !== undefined && base in documents) {
    const doc = documents[base];
    for (const vm of [].concat(doc.verificationMethod ?? [])) {
      if (typeof vm === 'object' && (vm.id === url || doc.id + vm.id === url)) {
        return {'@context': doc['@context'], ...vm, id: url};
      }
    }
  }
  throw new Error(`document ${url} is not available offline`);
}

const documentLoader = jsigs.extendContextLoader(async url => ({
  contextUrl: null, documentUrl: url, document: await load(url),
}));

function suites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new Ed25519Signature2020(),
  ];
}

// ---- status lists ---------------------------------------------------------

// decodeList decodes an encodedList (multibase base64url "u…" or plain
// base64url) without certlab's code: base64url, gunzip, bits MSB first.
function decodeList(encoded) {
  const b64 = encoded.startsWith('u') ? encoded.slice(1) : encoded;
  return gunzipSync(Buffer.from(b64, 'base64url'));
}

const statusSeen = [];

async function checkStatus({credential}) {
  for (const entry of [].concat(credential.credentialStatus ?? [])) {
    const listDoc = await load(entry.statusListCredential);
    const res = await vc.verifyCredential({
      credential: listDoc, suite: suites(), documentLoader, now: req.now,
    });
    if (!res.verified) {
      return {verified: false, error: new Error('status list does not verify: ' + describe(res))};
    }
    const issuerOf = c => (typeof c.issuer === 'object' ? c.issuer.id : c.issuer);
    if (issuerOf(listDoc) !== issuerOf(credential)) {
      return {verified: false, error: new Error('status list has another issuer')};
    }
    if (listDoc.credentialSubject.statusPurpose !== entry.statusPurpose) {
      return {verified: false, error: new Error('status list has another purpose')};
    }
    const bits = decodeList(listDoc.credentialSubject.encodedList);
    const index = Number.parseInt(entry.statusListIndex, 10);
    const set = (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
    statusSeen.push({index, set, length: bits.length * 8});
    if (set) return {verified: false, error: new Error(`status bit ${index} is set (${entry.statusPurpose})`)};
  }
  return {verified: true};
}

function describe(res) {
  const errs = [];
  const walk = e => {
    if (!e) return;
    if (Array.isArray(e)) return e.forEach(walk);
    errs.push(e.message ?? String(e));
    walk(e.errors);
  };
  walk(res.error);
  walk(res.statusResult?.error);
  for (const r of res.results ?? []) walk(r.error);
  return [...new Set(errs)].join('; ');
}

// ---- modes ----------------------------------------------------------------

async function verify() {
  const res = await vc.verifyCredential({
    credential: req.credential, suite: suites(), documentLoader, checkStatus, now: req.now,
  });
  return {verified: res.verified, error: res.verified ? '' : describe(res), status: statusSeen};
}

async function verifyJWT() {
  const header = decodeProtectedHeader(req.jwt);
  const vm = await load(header.kid);
  let jwk = vm.publicKeyJwk;
  if (!jwk) {
    // A Multikey: let Digital Bazaar's ed25519-multikey turn it into a JWK.
    const key = await Ed25519Multikey.from(vm);
    jwk = await Ed25519Multikey.toJwk({keyPair: key});
  }
  const key = await importJWK(jwk, 'EdDSA');
  const opts = {algorithms: ['EdDSA']};
  if (req.typ) opts.typ = req.typ;
  if (req.now) opts.currentDate = new Date(req.now);
  const {payload, protectedHeader} = await jwtVerify(req.jwt, key, opts);
  // jose's own key check, independent of ed25519-multikey's conversion.
  createPublicKey({key: jwk, format: 'jwk'});
  return {header: protectedHeader, payload};
}

function schema() {
  const file = {achievementcredential: 'achievementcredential.json', profile: 'profile.json'}[req.schema];
  if (!file) throw new Error(`unknown schema ${req.schema}`);
  const s = JSON.parse(readFileSync(new URL('../ob-schemas/' + file, here), 'utf8'));
  const ajv = new Ajv2019({allErrors: true, strict: false});
  addFormats(ajv);
  const validate = ajv.compile(s);
  const valid = validate(req.document);
  return {valid, errors: (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`)};
}

async function issue() {
  const seed = Buffer.from(req.seed, 'hex');
  let suite, vmID;
  if (req.suite === 'eddsa-rdfc-2022') {
    const key = await Ed25519Multikey.generate({seed});
    key.controller = 'did:key:' + key.publicKeyMultibase;
    key.id = key.controller + '#' + key.publicKeyMultibase;
    suite = new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022});
    vmID = key.id;
  } else if (req.suite === 'Ed25519Signature2020') {
    const key = await Ed25519VerificationKey2020.generate({seed});
    key.controller = 'did:key:' + key.publicKeyMultibase;
    key.id = key.controller + '#' + key.publicKeyMultibase;
    suite = new Ed25519Signature2020({key});
    vmID = key.id;
  } else {
    throw new Error(`unknown suite ${req.suite}`);
  }
  const credential = structuredClone(req.credential);
  const issuer = vmID.split('#')[0];
  if (typeof credential.issuer === 'object') credential.issuer.id = issuer;
  else credential.issuer = issuer;
  const signed = await vc.issue({credential, suite, documentLoader, now: req.now});
  return {credential: signed, verificationMethod: vmID};
}

function extractPNG() {
  for (const chunk of extractChunks(Buffer.from(req.png, 'base64'))) {
    if (chunk.name !== 'iTXt') continue;
    const data = Buffer.from(chunk.data);
    const nul = data.indexOf(0);
    const keyword = data.subarray(0, nul).toString('latin1');
    if (keyword !== 'openbadgecredential') continue;
    const compression = data[nul + 1];
    let rest = data.subarray(nul + 3);
    rest = rest.subarray(rest.indexOf(0) + 1); // language tag
    rest = rest.subarray(rest.indexOf(0) + 1); // translated keyword
    return {keyword, compression, text: rest.toString('utf8')};
  }
  throw new Error('no openbadgecredential iTXt chunk');
}

try {
  const modes = {verify, 'verify-jwt': verifyJWT, schema, issue, 'extract-png': extractPNG};
  const run = modes[req.mode];
  if (!run) throw new Error(`unknown mode ${req.mode}`);
  process.stdout.write(JSON.stringify(await run()));
} catch (err) {
  process.stderr.write(`interop: ${err.code ?? ''} ${err.message}\n`);
  process.exit(1);
}
