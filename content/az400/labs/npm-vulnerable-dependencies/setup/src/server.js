require('dotenv').config();
const http = require('node:http');
const axios = require('axios');
const jwt = require('jsonwebtoken');

const publicKey = process.env.CLAIMS_JWT_PUBLIC_KEY;
const policyApi = axios.create({ baseURL: process.env.POLICY_API_URL, timeout: 5000 });

http.createServer(async (req, res) => {
  try {
    const token = (req.headers.authorization || '').replace(/^Bearer /, '');
    const claims = jwt.verify(token, publicKey, { algorithms: ['RS256'] });
    const { data } = await policyApi.get(`/policies/${encodeURIComponent(claims.policy)}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ policy: data.id, status: 'accepted' }));
  } catch (err) {
    res.writeHead(401);
    res.end();
  }
}).listen(process.env.PORT || 8080);
