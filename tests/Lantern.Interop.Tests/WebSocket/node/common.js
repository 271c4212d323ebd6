'use strict';
// Shared by the client scripts: arguments, the ws-backed global WebSocket, output lines the .NET test reads, a hard deadline.
const fs = require('fs');
const WS = require('ws');

function args() {
  const [url, user, password, domain, ca, origin] = process.argv.slice(2);
  if (!url || !user || !password || !domain) {
    console.error('usage: node <script> <ws(s)-url> <user> <password> <domain> [ca.pem|-] [origin|-]');
    process.exit(2);
  }
  return { url, user, password, domain, ca: ca && ca !== '-' ? ca : null, origin: origin && origin !== '-' ? origin : null };
}

// JsSIP and SIP.js open "new WebSocket(url, 'sip')" as in a browser; ws takes the TLS trust and Origin as options.
function installWebSocket({ ca, origin }) {
  const options = {};
  if (ca) options.ca = fs.readFileSync(ca);
  if (origin) options.origin = origin;
  global.WebSocket = class extends WS {
    constructor(url, protocols) { super(url, protocols, options); }
  };
}

// One line per event on stdout: the test waits for "registered", "notify <body summary>" and so on.
function say(...parts) { process.stdout.write(parts.join(' ') + '\n'); }

function summary(body) {
  const waiting = /Messages-Waiting:\s*(\w+)/i.exec(body || '');
  const voice = /Voice-Message:\s*([^\r\n]+)/i.exec(body || '');
  return `waiting=${waiting ? waiting[1] : '?'} voice=${voice ? voice[1].replace(/\s+/g, '') : '?'}`;
}

// The test closes stdin to stop the client; the deadline bounds a run that the test forgot.
function lifetime(stop, seconds = 60) {
  process.stdin.on('end', stop);
  process.stdin.resume();
  setTimeout(() => { say('deadline'); process.exit(3); }, seconds * 1000).unref();
}

module.exports = { args, installWebSocket, say, summary, lifetime };
