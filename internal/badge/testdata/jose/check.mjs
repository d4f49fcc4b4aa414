// Independent check of certlab's VC-JWTs with the jose library.
// Reads one JSON request on stdin and writes one JSON answer on stdout:
//   {"mode":"verify","jwt":"…","jwk":{public OKP key},"now":"…"}  -> {"header":…,"payload":…}
//      jose checks the signature, typ "JWT" (Open Badges 3.0 §8.2) and the
//      nbf and exp claims against now.
//   {"mode":"sign","payload":{…},"kid":"…","typ":"JWT","jwk":{private OKP key}} -> {"jwt":"…"}
// Any failure is printed on stderr with a non-zero exit.
import { importJWK, jwtVerify, SignJWT, decodeProtectedHeader } from 'jose';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));

try {
  if (req.mode === 'verify') {
    const key = await importJWK(req.jwk, 'EdDSA');
    const { payload, protectedHeader } = await jwtVerify(req.jwt, key, {
      algorithms: ['EdDSA'],
      typ: 'JWT',
      currentDate: req.now ? new Date(req.now) : undefined,
    });
    process.stdout.write(JSON.stringify({ header: protectedHeader, payload }));
  } else if (req.mode === 'sign') {
    const key = await importJWK(req.jwk, 'EdDSA');
    const jwt = await new SignJWT(req.payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: req.typ ?? 'JWT', kid: req.kid })
      .sign(key);
    decodeProtectedHeader(jwt);
    process.stdout.write(JSON.stringify({ jwt }));
  } else {
    throw new Error(`unknown mode ${req.mode}`);
  }
} catch (err) {
  process.stderr.write(`jose: ${err.code ?? ''} ${err.message}\n`);
  process.exit(1);
}
