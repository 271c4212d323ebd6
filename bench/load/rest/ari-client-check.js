// Checks that an unmodified ARI client library (npm ari-client 2.2.0) loads Lantern's Swagger 1.2 api-docs and
// calls every mailbox operation. Run: (cd /tmp && npm install ari-client@2.2.0) &&
// NODE_PATH=/tmp/node_modules node bench/load/rest/ari-client-check.js http://127.0.0.1:8088 admin PASSWORD
const [url, user, password] = process.argv.slice(2);
const ari = require('ari-client');
ari.connect(url || 'http://127.0.0.1:8088', user || 'admin', password || '').then(async client => {
  console.log('resources:', Object.keys(client).filter(k => ['mailboxes'].includes(k)));
  await client.mailboxes.update({ mailboxName: '7000@node', oldMessages: 1, newMessages: 3 });
  const m = await client.mailboxes.get({ mailboxName: '7000@node' });
  console.log('get:', m.name, m.old_messages, m.new_messages);
  const all = await client.mailboxes.list();
  console.log('list count:', all.length);
  try { await client.mailboxes.get({ mailboxName: 'nobody@node' }); } catch (e) { console.log('404 ->', e.message); }
  await client.mailboxes.delete({ mailboxName: '7000@node' });
  console.log('deleted');
  process.exit(0);
}).catch(e => { console.error('FAIL', e); process.exit(1); });
