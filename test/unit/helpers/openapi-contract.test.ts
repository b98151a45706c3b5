import { describe, expect, it } from 'vitest';
import { loadOpenApiContract } from '../../helpers/openapi-contract.js';
import { SIGNALWIRE_OPENAPI } from '../../helpers/shared-dir.js';

// The real SignalWire document, read-only, shared by every contract test.
const SPEC = SIGNALWIRE_OPENAPI;
const BASE = '/api/video';
const ROOM_ID = 'c22d24f6-5a47-4597-9a23-c7d01e696b92';

const contract = loadOpenApiContract(SPEC, { basePath: BASE });
const sealed = loadOpenApiContract(SPEC, { basePath: BASE, sealObjects: true });

/** Every key of the spec's RoomResponse, written out by hand from its schema. */
function room(): Record<string, unknown> {
  return {
    id: ROOM_ID,
    name: 'my_room',
    display_name: "My Room's Name",
    description: null,
    max_members: 20,
    quality: '720p',
    fps: 20,
    join_from: '2022-01-01T00:00:00Z',
    join_until: null,
    remove_at: null,
    remove_after_seconds_elapsed: 120,
    layout: 'grid-responsive',
    record_on_start: false,
    tone_on_entry_and_exit: true,
    room_join_video_off: false,
    user_join_video_off: false,
    enable_room_previews: null,
    sync_audio_video: true,
    meta: { team: 'sales', nested: { any: ['thing'] } },
    prioritize_handraise: false,
    created_at: '2022-01-01T10:00:00Z',
    updated_at: '2022-01-01T11:00:00.123+02:00',
  };
}

describe('operation resolution', () => {
  it('sends a uuid segment to /rooms/{id} and any other segment to /rooms/{name}', () => {
    expect(contract.resolveOperation('GET', `${BASE}/rooms/${ROOM_ID}`)).toEqual({
      method: 'GET',
      template: '/rooms/{id}',
      operationId: 'get_room',
    });
    expect(contract.resolveOperation('get', `${BASE}/rooms/my_room`)?.operationId).toBe(
      'get_room_by_name',
    );
  });

  it('prefers literal segments and decodes percent-escapes', () => {
    expect(contract.resolveOperation('POST', `${BASE}/rooms/${ROOM_ID}/streams`)?.template).toBe(
      '/rooms/{id}/streams',
    );
    expect(contract.resolveOperation('GET', `${BASE}/rooms/my%20room?x=1`)?.template).toBe(
      '/rooms/{name}',
    );
  });

  it('names unknown paths and methods in full', () => {
    expect(contract.validateRequest({ method: 'GET', path: `${BASE}/foo` })).toEqual([
      'no operation GET /api/video/foo in the spec',
    ]);
    expect(contract.validateRequest({ method: 'PATCH', path: `${BASE}/rooms/${ROOM_ID}` })).toEqual(
      [
        'no operation PATCH /api/video/rooms/c22d24f6-5a47-4597-9a23-c7d01e696b92 in the spec ' +
          '(declared: GET /rooms/{id}, PUT /rooms/{id}, DELETE /rooms/{id}, GET /rooms/{name})',
      ],
    );
    expect(contract.validateResponse({ method: 'GET', path: '/rooms', status: 200 })[0]).toMatch(
      /outside basePath \/api\/video/,
    );
  });

  it('reports a bad path parameter when only the uuid template has the method', () => {
    expect(
      contract.validateRequest({ method: 'PUT', path: `${BASE}/rooms/my_room`, body: {} }),
    ).toEqual(['PUT /rooms/{id} path parameter id: must match format "uuid"']);
  });
});

describe('request bodies', () => {
  const post = (body: unknown, headers?: Record<string, string>) =>
    contract.validateRequest({ method: 'POST', path: `${BASE}/rooms`, query: {}, headers, body });

  it('accepts a valid CreateRoom body', () => {
    expect(
      post({
        name: 'my_room',
        display_name: 'My Room',
        max_members: 300,
        quality: '1080p',
        join_from: '2022-01-01T00:00:00Z',
        remove_after_seconds_elapsed: 120,
        layout: '2x2',
        record_on_start: false,
        meta: { anything: [1, 'two'] },
      }),
    ).toEqual([]);
  });

  it('names max_members when it exceeds the maximum', () => {
    expect(post({ name: 'my_room', max_members: 500 })).toEqual([
      'POST /rooms request body: /max_members must be <= 300',
    ]);
  });

  it('reports every violation, with the allowed values of enums', () => {
    expect(post({ name: 'bad name!', quality: '4k', join_from: '2022-01-01' })).toEqual([
      'POST /rooms request body: /name must match pattern "^[A-Za-z0-9_\\-]+$"',
      'POST /rooms request body: /quality must be one of ["720p","1080p"]',
      'POST /rooms request body: /join_from must match format "date-time"',
    ]);
  });

  it('rejects an unknown key once objects are sealed (the spec itself leaves them open)', () => {
    const body = { name: 'my_room', max_participants: 5, meta: { free: 'form' } };
    expect(post(body)).toEqual([]);
    expect(
      sealed.validateRequest({ method: 'POST', path: `${BASE}/rooms`, query: {}, body }),
    ).toEqual(["POST /rooms request body: must NOT have undeclared property 'max_participants'"]);
  });

  it('requires the declared body and refuses an undeclared one', () => {
    expect(post(undefined)).toEqual(['POST /rooms request body: required, but none was sent']);
    expect(
      contract.validateRequest({ method: 'DELETE', path: `${BASE}/rooms/${ROOM_ID}`, body: {} }),
    ).toEqual(['DELETE /rooms/{id} request body: sent, but none is declared']);
  });

  it('checks the content-type when headers are given', () => {
    expect(post({ name: 'a' }, { 'Content-Type': 'application/json; charset=utf-8' })).toEqual([]);
    expect(post('name=a', { 'content-type': 'application/x-www-form-urlencoded' })).toEqual([
      'POST /rooms request body: content-type application/x-www-form-urlencoded is not declared',
    ]);
  });
});

describe('query parameters', () => {
  const list = (query: Record<string, string>) =>
    contract.validateRequest({ method: 'GET', path: `${BASE}/rooms`, query });

  it('coerces string values to the declared types', () => {
    expect(list({ page_size: '50', page_number: '0', include_active_session: 'true' })).toEqual([]);
    expect(list({ include_active_session: 'yes' })).toEqual([
      'GET /rooms query parameter include_active_session: must be boolean',
    ]);
    // Stricter than ajv's own coercion, which reads all of these as numbers.
    for (const page_size of ['', ' 5', '0x10', '1.5']) {
      // (1.5 is also reported as not an int32, hence toContain)
      expect(list({ page_size })).toContain(
        'GET /rooms query parameter page_size: must be integer',
      );
    }
  });

  it('rejects page_size above 1000', () => {
    expect(list({ page_size: '2000' })).toEqual([
      'GET /rooms query parameter page_size: must be <= 1000',
    ]);
  });

  it('rejects a query parameter the operation does not declare', () => {
    expect(list({ per_page: '10' })).toEqual([
      'GET /rooms query parameter per_page is not declared by the operation',
    ]);
  });

  it('reads the query from the path when none is given separately', () => {
    expect(contract.validateRequest({ method: 'GET', path: `${BASE}/rooms?page_size=0` })).toEqual([
      'GET /rooms query parameter page_size: must be >= 1',
    ]);
  });

  it('honours the 3.0-style boolean exclusiveMinimum the document uses for media_ttl', () => {
    const recordings = (media_ttl: string) =>
      contract.validateRequest({
        method: 'GET',
        path: `${BASE}/room_recordings`,
        query: { media_ttl },
      });
    expect(recordings('1')).toEqual([]);
    expect(recordings('0')).toEqual([
      'GET /room_recordings query parameter media_ttl: must be > 0',
    ]);
  });
});

describe('responses', () => {
  const getRoom = (status: number, body?: unknown) =>
    contract.validateResponse({ method: 'GET', path: `${BASE}/rooms/${ROOM_ID}`, status, body });

  it('accepts a full Room built from the RoomResponse schema, on every room operation', () => {
    expect(getRoom(200, room())).toEqual([]);
    expect(
      contract.validateResponse({
        method: 'POST',
        path: `${BASE}/rooms`,
        status: 200,
        body: room(),
      }),
    ).toEqual([]);
    const list = { links: { self: 'a', first: 'b' }, data: [room(), room()] };
    expect(
      contract.validateResponse({ method: 'GET', path: `${BASE}/rooms`, status: 200, body: list }),
    ).toEqual([]);
    expect(
      sealed.validateResponse({
        method: 'GET',
        path: `${BASE}/rooms/my_room`,
        status: 200,
        body: room(),
      }),
    ).toEqual([]);
  });

  it('names a missing required key', () => {
    const { prioritize_handraise: _, ...missing } = room();
    expect(getRoom(200, missing)).toEqual([
      "GET /rooms/{id} response 200 body: must have required property 'prioritize_handraise'",
    ]);
  });

  it('folds the branches of a nullable field into one line', () => {
    expect(getRoom(200, { ...room(), display_name: 42 })).toEqual([
      'GET /rooms/{id} response 200 body: /display_name must match one of: must be string | must be null',
    ]);
  });

  it('validates error bodies against their status', () => {
    expect(getRoom(404, { error: 'Not Found' })).toEqual([]);
    expect(getRoom(404, { error: 'Gone' })).toEqual([
      'GET /rooms/{id} response 404 body: /error must be one of ["Not Found"]',
    ]);
  });

  it('accepts DELETE 204 without a body and rejects one with a body', () => {
    const remove = (body?: unknown) =>
      contract.validateResponse({
        method: 'DELETE',
        path: `${BASE}/rooms/${ROOM_ID}`,
        status: 204,
        body,
      });
    expect(remove()).toEqual([]);
    expect(remove({})).toEqual([
      'DELETE /rooms/{id} response 204: declares no content, but a body was returned',
    ]);
  });

  it('rejects a status the operation does not declare', () => {
    expect(getRoom(403, { error: 'Forbidden' })).toEqual([
      'GET /rooms/{id} response 403: status not declared by the operation (declares 200, 400, 401, 404, 422, 500)',
    ]);
    // SignalWire answers a created room with 200, not 201.
    expect(
      contract.validateResponse({
        method: 'POST',
        path: `${BASE}/rooms`,
        status: 201,
        body: room(),
      }),
    ).toHaveLength(1);
  });

  it('rejects a declared JSON response without a body', () => {
    expect(getRoom(200)).toEqual([
      'GET /rooms/{id} response 200: declares content, but no body was returned',
    ]);
  });
});
