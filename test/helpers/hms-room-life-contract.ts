import { expect } from 'vitest';
import { HMS_EMULATOR_CLASSROOM_TEMPLATE } from '../../src/emulators/hms/hms-emulator.js';
import { CreateRoomDocument, CreateRoomTokenDocument } from '../__generated__/graphql.js';
import type { TestServer } from './start-server.js';

/**
 * The 100ms room-life endpoints for `hms-contract.test.ts`: no spec file has them (the
 * third-party spec covers rooms and room codes only), so each is held to the keys 100ms's own
 * pages document, each list of keys with its source. A request may send only documented query
 * parameters and body keys; a 200 may carry only documented keys, at every level we know; an
 * error is 100ms's error body.
 */

/** Documented keys: `true` takes any value; an object, its own keys; `[shape]`, a list of them. */
type Shape = { readonly [key: string]: true | Shape } | readonly [Shape];
/** A record keyed by ids (a session's `peers`), each value of the shape. */
const ANY_KEY = '*';

export interface RoomLifeOperation {
  readonly name: string;
  readonly method: string;
  readonly path: RegExp;
  readonly source: string;
  checkRequest(query: Readonly<Record<string, string>>, body: unknown): string[];
  checkResponse(status: number, body: unknown): string[];
}

const DOCS = '100mslive/100ms-docs docs/server-side/v2/api-reference';

/** hms-room-life.md §1, list-sessions.mdx and the SDK's session type (`app_id`). */
const PEER: Shape = {
  id: true,
  session_id: true,
  name: true,
  role: true,
  user_id: true,
  joined_at: true,
  left_at: true,
};
const SESSION: Shape = {
  id: true,
  room_id: true,
  customer_id: true,
  app_id: true,
  active: true,
  peers: { [ANY_KEY]: PEER },
  created_at: true,
  updated_at: true,
};
/** hms-room-life.md §3, get-recording.mdx: an asset inside a job. */
const JOB_ASSET: Shape = {
  id: true,
  thumbnails: true,
  metadata: true,
  duration: true,
  path: true,
  status: true,
  created_at: true,
  type: true,
  size: true,
};
/** hms-room-life.md §3, start-recording-for-room.mdx and get-recording.mdx. */
const RECORDING: Shape = {
  id: true,
  room_id: true,
  session_id: true,
  status: true,
  created_at: true,
  started_at: true,
  updated_at: true,
  stopped_at: true,
  meeting_url: true,
  destination: true,
  started_by: true,
  stopped_by: true,
  asset_types: true,
  recording_assets: [JOB_ASSET],
};
const { recording_assets: _assets, ...LISTED_RECORDING } = RECORDING as Record<string, true>;
/** `{limit, data, last}` (hms.md §3.3). */
const listOf = (item: Shape): Shape => ({ limit: true, data: [item], last: true });
/** hms.md §5. */
const ERROR: Shape = { code: true, message: true, details: true };

function undocumented(value: unknown, shape: Shape, where: string): string[] {
  if (value === null || value === undefined) {
    return [];
  }
  if (Array.isArray(shape)) {
    return Array.isArray(value)
      ? value.flatMap((item, index) => undocumented(item, shape[0] as Shape, `${where}[${index}]`))
      : [`${where}: not a list`];
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [`${where}: not an object`];
  }
  const record = shape as Record<string, true | Shape>;
  return Object.entries(value).flatMap(([key, child]) => {
    const rule = record[ANY_KEY] ?? record[key];
    if (rule === undefined) {
      return [`${where}: undocumented key '${key}'`];
    }
    return rule === true ? [] : undocumented(child, rule, `${where}.${key}`);
  });
}

function operation(spec: {
  name: string;
  method: string;
  path: RegExp;
  source: string;
  query?: readonly string[];
  /** Documented body keys; absent: no body may be sent. */
  body?: Shape;
  response: Shape;
  /** Keys every 200 must have (those the adapter reads as required). */
  required: readonly string[];
  /** Statuses the scenario may meet: 200, and the errors hms.md §5 documents. */
  statuses?: readonly number[];
}): RoomLifeOperation {
  const label = `${spec.method} ${spec.name}`;
  return {
    name: spec.name,
    method: spec.method,
    path: spec.path,
    source: spec.source,
    checkRequest(query, body) {
      const params = Object.keys(query)
        .filter((key) => !spec.query?.includes(key))
        .map((key) => `${label} request: undocumented query parameter '${key}'`);
      if (spec.body === undefined) {
        return body === undefined ? params : [...params, `${label} request: sent a body`];
      }
      return [...params, ...undocumented(body, spec.body, `${label} request body`)];
    },
    checkResponse(status, body) {
      if (!(spec.statuses ?? [200]).includes(status)) {
        return [`${label}: status ${status} not in the scenario`];
      }
      if (status !== 200) {
        return undocumented(body, ERROR, `${label} response ${status} body`);
      }
      const missing = spec.required
        .filter((key) => (body as Record<string, unknown> | null)?.[key] === undefined)
        .map((key) => `${label} response 200 body: lacks '${key}'`);
      return [...missing, ...undocumented(body, spec.response, `${label} response 200 body`)];
    },
  };
}

export function roomLifeOperations(): RoomLifeOperation[] {
  return [
    operation({
      name: 'listSessions',
      method: 'GET',
      path: /^\/v2\/sessions$/,
      source: `hms-room-life.md §1; ${DOCS}/Sessions/list-sessions.mdx`,
      query: ['room_id', 'active', 'after', 'before', 'limit', 'start'],
      response: listOf(SESSION),
      required: ['data'],
    }),
    operation({
      name: 'retrieveSession',
      method: 'GET',
      path: /^\/v2\/sessions\/[0-9a-f]{24}$/,
      source: `hms-room-life.md §1; ${DOCS}/Sessions/retrieve-a-session.mdx`,
      response: SESSION,
      required: ['id', 'room_id', 'active', 'peers'],
    }),
    operation({
      name: 'removePeers',
      method: 'POST',
      path: /^\/v2\/active-rooms\/[0-9a-f]{24}\/remove-peers$/,
      source: `hms-room-life.md §2; ${DOCS}/active-rooms/remove-peers.mdx`,
      body: { peer_id: true, role: true, reason: true },
      response: { message: true },
      required: ['message'],
      // A peer already gone: 404 "peer not found" (the sheet's proposal, §2).
      statuses: [200, 404],
    }),
    operation({
      name: 'endActiveRoom',
      method: 'POST',
      path: /^\/v2\/active-rooms\/[0-9a-f]{24}\/end-room$/,
      source: `hms-room-life.md §1; ${DOCS}/active-rooms/end-active-room.mdx`,
      body: { reason: true, lock: true },
      response: { message: true },
      required: ['message'],
    }),
    operation({
      name: 'startRecording',
      method: 'POST',
      path: /^\/v2\/recordings\/room\/[0-9a-f]{24}\/start$/,
      source: `hms-room-life.md §3; ${DOCS}/recordings/start-recording-for-room.mdx`,
      body: {
        meeting_url: true,
        resolution: { width: true, height: true },
        destination: true,
        audio_only: true,
        transcription: true,
      },
      response: RECORDING,
      required: ['id', 'room_id', 'status'],
      // A template without a subdomain and no meeting_url: 400 (§3).
      statuses: [200, 400],
    }),
    operation({
      name: 'stopRecordingForRoom',
      method: 'POST',
      path: /^\/v2\/recordings\/room\/[0-9a-f]{24}\/stop$/,
      // The docs' example sends no body; the official SDK sends {} (§3).
      source: `hms-room-life.md §3; ${DOCS}/recordings/stop-recording-for-room.mdx`,
      body: {},
      response: listOf(RECORDING),
      required: ['data'],
    }),
    operation({
      name: 'listRecordings',
      method: 'GET',
      path: /^\/v2\/recordings$/,
      source: `hms-room-life.md §3; ${DOCS}/recordings/list-all-recordings.mdx (no recording_assets)`,
      query: ['room_id', 'session_id', 'status', 'start', 'limit'],
      response: listOf(LISTED_RECORDING),
      required: ['data'],
    }),
    operation({
      name: 'getRecording',
      method: 'GET',
      path: /^\/v2\/recordings\/[0-9a-f]{24}$/,
      source: `hms-room-life.md §3; ${DOCS}/recordings/get-recording.mdx`,
      response: RECORDING,
      required: ['id', 'room_id', 'status', 'recording_assets'],
    }),
    operation({
      name: 'getPresignedUrl',
      method: 'GET',
      path: /^\/v2\/recording-assets\/[0-9a-f]{24}\/presigned-url$/,
      source: `hms-room-life.md §3; ${DOCS}/recording-assets/get-presigned-url.mdx`,
      query: ['presign_duration'],
      response: { id: true, path: true, url: true, expiry: true },
      required: ['url', 'expiry'],
    }),
  ];
}

/**
 * Room life through the service, as a client would live it, so the log holds every room-life
 * request the adapter sends and every answer the emulator gives: a page of rooms' live sessions
 * and one room's, the sessions, a session by id, a recording started (and one refused), a peer
 * removed (and one already gone), the recording stopped, listed, read and downloaded, and the
 * room ended with a lock.
 */
export async function runRoomLifeScenario(target: TestServer): Promise<void> {
  const emulatorUrl =
    target.fleet.running.find((running) => running.emulator.name === 'hms')?.url ?? '';
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await target.post(JSON.stringify({ query, variables }));
    // biome-ignore lint/suspicious/noExplicitAny: the scenario reads arbitrary JSON answers.
    const result = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
    expect(result.errors).toBeUndefined();
    return result.data;
  };
  const create = async (name: string, templateId?: string) => {
    const result = await target.execute(CreateRoomDocument, {
      input: { providerKey: 'hms', name, ...(templateId ? { hms: { templateId } } : {}) },
    });
    if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
      throw new Error(JSON.stringify(result));
    }
    return result.data.createRoom.room.id;
  };
  const join = async (roomId: string, identity: string, providerRole?: string) => {
    const minted = await target.execute(CreateRoomTokenDocument, {
      input: { roomId, role: 'HOST', identity, providerRole },
    });
    if (minted.data?.createRoomToken.__typename !== 'CreateRoomTokenSuccess') {
      throw new Error(JSON.stringify(minted));
    }
    await fetch(`${emulatorUrl}/__emulator/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: minted.data.createRoomToken.roomToken.token, name: identity }),
    });
  };

  const video = await create('life-video');
  const classroom = await create('life-class', HMS_EMULATOR_CLASSROOM_TEMPLATE.id);
  await join(video, 'ada');
  await join(video, 'grace');
  await join(classroom, 'teacher-1', 'teacher');

  // Live sessions of a page of rooms (one listing across rooms), then of one room.
  await graphql(
    '{ provider(key: "hms") { rooms(first: 10) { edges { node { activeSession { id } } } } } }',
  );
  const one = await graphql(
    `query ($id: ID!) { room(id: $id) { activeSession { id participants { edges { node { id identity } } } } } }`,
    { id: video },
  );
  const session = one.room.activeSession;
  const grace = session.participants.edges.find(
    (edge: { node: { identity: string } }) => edge.node.identity === 'grace',
  ).node.id;
  await graphql(`query ($id: ID!) { room(id: $id) { sessions(first: 5) { edges { cursor } } } }`, {
    id: video,
  });
  await graphql(`query ($id: ID!) { node(id: $id) { id } }`, { id: session.id });

  const start = `mutation ($id: ID!) { startRecording(input: { roomId: $id }) { __typename } }`;
  expect((await graphql(start, { id: video })).startRecording.__typename).toBe(
    'StartRecordingSuccess',
  );
  // The classroom template was made without a subdomain: 100ms wants a meeting_url (400).
  expect((await graphql(start, { id: classroom })).startRecording.__typename).toBe('ProviderError');

  const remove = `mutation ($room: ID!, $person: ID!) {
    removeParticipant(input: { roomId: $room, participantId: $person }) { __typename } }`;
  await graphql(remove, { room: video, person: grace });
  // Gone already: 100ms's 404 "peer not found", not an unknown room.
  expect((await graphql(remove, { room: video, person: grace })).removeParticipant.__typename).toBe(
    'ProviderError',
  );

  await graphql(`mutation ($id: ID!) { stopRecording(input: { roomId: $id }) { __typename } }`, {
    id: video,
  });
  const recordings = `query ($id: ID!) { room(id: $id) { recordings(first: 5) { edges { node {
    id status download { url } } } } } }`;
  let recording: { id: string; status: string } | undefined;
  for (let attempt = 0; attempt < 50 && recording?.status !== 'READY'; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    recording = (await graphql(recordings, { id: video })).room.recordings.edges[0]?.node;
  }
  expect(recording?.status).toBe('READY');
  await graphql(`query ($id: ID!) { node(id: $id) { id } }`, { id: recording?.id });

  await graphql(
    `mutation ($id: ID!) { endRoomSession(input: { roomId: $id, lock: true }) { __typename } }`,
    { id: video },
  );
}
