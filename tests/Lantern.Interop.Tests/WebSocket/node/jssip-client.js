'use strict';
// A JsSIP phone under node: REGISTER with digest, SUBSCRIBE to message-summary for its own mailbox, print each NOTIFY.
const { args, installWebSocket, say, summary, lifetime } = require('./common');
const a = args();
installWebSocket(a);
const JsSIP = require('jssip');

const socket = new JsSIP.WebSocketInterface(a.url);
const ua = new JsSIP.UA({ sockets: [socket], uri: `sip:${a.user}@${a.domain}`, password: a.password, register: true, register_expires: 600 });
let subscriber = null;
ua.on('connected', () => say('connected'));
ua.on('disconnected', () => say('disconnected'));
ua.on('registrationFailed', (e) => say('registrationFailed', e.cause));
ua.on('registered', () => {
  say('registered');
  if (subscriber) return;
  subscriber = ua.subscribe(`${a.user}@${a.domain}`, 'message-summary', 'application/simple-message-summary', { expires: 600 });
  subscriber.on('accepted', () => say('accepted'));
  subscriber.on('active', () => say('active'));
  subscriber.on('terminated', (code, reason) => say('terminated', code, reason || ''));
  subscriber.on('notify', (isFinal, request, body) => say('notify', summary(body), isFinal ? 'final' : 'live'));
  subscriber.subscribe();
});
lifetime(() => {
  if (subscriber) subscriber.terminate();
  ua.stop();
  setTimeout(() => process.exit(0), 500);
});
ua.start();
