import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

// `npm start` serves the compiled JavaScript in dist/ with plain node: no TypeScript loader in
// the process. Anything that still needs one (an import the compiler left pointing at a `.ts`
// file, a `.ts` or schema file read at run time, an emulator left out of the build) breaks here,
// in the paths that load lazily too: GraphiQL's bundle, the subgraph SDL, the sandbox emulators.

let server: ServerProcess;

beforeAll(async () => {
  // The build `prestart` runs; incremental, so quick when dist/ is current.
  await promisify(execFile)('npm', ['run', '-s', 'build'], {
    cwd: new URL('../../', import.meta.url),
  });
  server = await startServerProcess({}, { compiled: true });
}, 120_000);

afterAll(async () => {
  await server?.kill();
});

describe('the compiled service', () => {
  it('serves GraphQL from the sandbox emulators', async () => {
    const response = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ providers { key rooms(first: 1) { edges { node { id } } } } _service { sdl } }',
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: { providers: { key: string }[]; _service: { sdl: string } };
    };
    expect(body.data.providers.map((provider) => provider.key)).toEqual([
      'signalwire',
      'netless',
      'hms',
      'videsk',
    ]);
    expect(body.data._service.sdl).toContain('@key(fields: "id")');
  });

  it('serves GraphiQL with its bundled assets', async () => {
    const response = await fetch(`${server.origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Video rooms GraphQL</title>');
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
