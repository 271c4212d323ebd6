'use strict';
// A SIP.js phone under node: REGISTER with digest, SUBSCRIBE to message-summary for its own mailbox, print each NOTIFY.
const { args, installWebSocket, say, summary, lifetime } = require('./common');
const a = args();
installWebSocket(a);
const { UserAgent, Registerer, Subscriber } = require('sip.js');

const ua = new UserAgent({
  uri: UserAgent.makeURI(`sip:${a.user}@${a.domain}`),
  authorizationUsername: a.user,
  authorizationPassword: a.password,
  transportOptions: { server: a.url },
  logLevel: 'error',
});
let subscriber = null;
ua.start().then(() => {
  say('connected');
  const registerer = new Registerer(ua, { expires: 600 });
  registerer.stateChange.addListener((state) => {
    say('registerer', state);
    if (state !== 'Registered' || subscriber) return;
    say('registered');
    subscriber = new Subscriber(ua, UserAgent.makeURI(`sip:${a.user}@${a.domain}`), 'message-summary', { expires: 600 });
    subscriber.delegate = {
      onNotify: (notification) => {
        notification.accept();
        say('notify', summary(notification.request.body), 'live');
      },
    };
    subscriber.stateChange.addListener((s) => say('subscriber', s));
    subscriber.subscribe();
  });
  return registerer.register();
}).catch((e) => { say('failed', e && e.message); process.exit(1); });
lifetime(() => {
  const done = subscriber ? subscriber.unsubscribe().catch(() => {}) : Promise.resolve();
  done.then(() => ua.stop()).finally(() => setTimeout(() => process.exit(0), 300));
});
