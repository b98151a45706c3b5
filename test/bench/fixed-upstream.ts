import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitWithParent } from './protocol.js';

// Child process of `npm run bench:client`: an upstream that answers every request at once with
// the same small JSON room, so the client process's CPU is all the parent measures. It prints
// its port as its first stdout line, and exits when the parent goes away.

const ROOM = JSON.stringify({
  id: '8d3e1f0c-2b7a-4c55-9a1e-6f0b2c3d4e5f',
  name: 'bench_room',
  display_name: 'Bench room',
  created_at: '2026-01-01T00:00:00Z',
  enabled: true,
});

const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(ROOM);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
exitWithParent(() => process.exit(0));
