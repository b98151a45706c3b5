import { afterEach, describe, expect, it } from 'vitest';
import { roomEventId } from '../../../../src/domain/room-event.js';
import type { RoomSession } from '../../../../src/domain/room-life.js';
import {
  participantEvent,
  recordingEvent,
  sessionEvent,
} from '../../../../src/events/room-events.js';
import type { WebhookRequest } from '../../../../src/providers/room-provider.js';
import { createKit, fixture } from './hms-test-kit.js';

// 100ms webhooks (hms-room-life.md §4) read by the adapter: authenticated by the account's secret
// header, mapped to events whose ids are those polling and the API give the same changes.

const SECRET = { headerName: 'X-Hms-Webhook-Secret', value: 'a-long-shared-webhook-secret' };
const ROOM = '60b8e13a6eb86d8101b57354';
const SESSION = '610f81ee870dde099a249948';
const PEER = '83b869e1-9a4b-4037-84b2-913cf76e4392';
const JOB = '60b8e1d96eb86d8101b57359';
const RECEIVED = new Date('2021-11-30T12:59:00Z');

type Kit = ReturnType<typeof createKit>;
let kit: Kit;

function setUp(withSecret = true): Kit {
  kit = createKit(withSecret ? { webhookSecret: SECRET } : {});
  return kit;
}

afterEach(async () => {
  await kit?.close();
});

function request(body: unknown, headers: Record<string, string> = {}): WebhookRequest {
  return {
    headers: new Headers(headers),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    receivedAt: RECEIVED,
  };
}

const signed = (body: unknown) =>
  request(body, { 'x-hms-webhook-secret': SECRET.value, 'content-type': 'application/json' });

function envelope(type: string, data: Record<string, unknown>) {
  return {
    version: '2.0',
    id: '6c75de35-b778-4fb0-88ae-114c28dc285f',
    app_id: '5ff5881b80b66969e1fb35f6',
    account_id: '5ff5881b80b66969e1fb35f4',
    timestamp: '2021-11-30T12:58:58Z',
    type,
    data,
  };
}

describe('authenticity (secret header)', () => {
  it('takes no webhooks when the account has no secret header configured', () => {
    const { provider } = setUp(false);
    expect(provider.eventsFromWebhook).toBeUndefined();
  });

  it.each([
    ['no header', {}],
    ['a wrong value', { 'x-hms-webhook-secret': 'a-long-shared-webhook-secreT' }],
    ['a longer value', { 'x-hms-webhook-secret': `${SECRET.value}!` }],
    ['an empty value', { 'x-hms-webhook-secret': '' }],
    ['the value under another header', { 'x-hms-secret': SECRET.value }],
  ])('answers null for %s, whatever the body', (_, headers) => {
    const { provider } = setUp();
    expect(provider.eventsFromWebhook!(request('not even json', headers))).toBeNull();
    expect(
      provider.eventsFromWebhook!(request(fixture('webhook-peer-leave.json'), headers)),
    ).toBeNull();
  });

  it('matches the header name without regard to case', () => {
    const { provider } = setUp();
    const events = provider.eventsFromWebhook!(
      request(fixture('webhook-peer-leave.json'), { 'X-HMS-WEBHOOK-SECRET': SECRET.value }),
    );
    expect(events).toHaveLength(1);
  });

  it('throws on an authenticated body it cannot read, so the receiver answers 400', () => {
    const { provider } = setUp();
    expect(() => provider.eventsFromWebhook!(signed('{'))).toThrow();
    expect(() =>
      provider.eventsFromWebhook!(signed(envelope('peer.join.success', { room_id: 'nope' }))),
    ).toThrow();
  });
});

describe('mapping', () => {
  it('maps the documented peer.leave.success sample to PARTICIPANT_LEFT, keyed by peer_id', () => {
    const { provider } = setUp();
    const [event] = provider.eventsFromWebhook!(signed(fixture('webhook-peer-leave.json')))!;
    expect(event).toEqual({
      id: roomEventId('PARTICIPANT_LEFT', 'hms-test', ROOM, PEER),
      type: 'PARTICIPANT_LEFT',
      occurredAt: new Date('2021-11-30T12:58:58.500Z'),
      observedAt: RECEIVED,
      source: 'WEBHOOK',
      providerKey: 'hms-test',
      roomNativeId: ROOM,
      sessionNativeId: SESSION,
      recordingNativeId: null,
      participant: {
        providerKey: 'hms-test',
        roomNativeId: ROOM,
        sessionNativeId: SESSION,
        nativeId: PEER,
        identity: 'user.001',
        displayName: 'test user',
        role: 'HOST',
        providerRole: 'host',
        joinedAt: new Date('2021-11-30T12:58:49.972Z'),
        leftAt: new Date('2021-11-30T12:58:58.500Z'),
      },
    });
  });

  it('gives a join, and a session opening and closing, the ids polling gives them', async () => {
    const { provider, reply } = setUp();
    const peer = {
      id: PEER,
      name: 'Ada',
      role: 'guest',
      user_id: 'ada',
      joined_at: '2021-11-30T12:58:49Z',
    };
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [
        {
          id: SESSION,
          room_id: ROOM,
          active: true,
          peers: { [PEER]: peer },
          created_at: '2021-11-30T12:58:49Z',
        },
      ],
      last: SESSION,
    });
    const [polled] = (await provider.getActiveSessions!([ROOM])) as RoomSession[];
    const poll = { source: 'POLL' } as const;

    const joined = provider.eventsFromWebhook!(
      signed(
        envelope('peer.join.success', {
          room_id: ROOM,
          room_name: 'class-9',
          session_id: SESSION,
          peer_id: PEER,
          user_id: 'ada',
          user_name: 'Ada',
          user_data: '',
          role: 'guest',
          joined_at: '2021-11-30T12:58:49Z',
          session_started_at: '2021-11-30T12:58:49Z',
          type: 'regular',
        }),
      ),
    )!;
    expect(joined.map((event) => [event.type, event.id, event.participant?.role])).toEqual([
      [
        'PARTICIPANT_JOINED',
        participantEvent('PARTICIPANT_JOINED', polled!.participants![0]!, poll).id,
        'PARTICIPANT',
      ],
    ]);

    const sessionData = {
      room_id: ROOM,
      room_name: 'class-9',
      session_id: SESSION,
      template_id: '66112497abcd52312556c4aa',
      session_started_at: '2021-11-30T12:58:49Z',
    };
    const opened = provider.eventsFromWebhook!(
      signed(envelope('session.open.success', sessionData)),
    )!;
    const closed = provider.eventsFromWebhook!(
      signed(
        envelope('session.close.success', {
          ...sessionData,
          session_duration: 600,
          session_stopped_at: '2021-11-30T13:08:49Z',
        }),
      ),
    )!;
    expect(opened.map((event) => [event.type, event.id, event.occurredAt])).toEqual([
      [
        'SESSION_STARTED',
        sessionEvent('SESSION_STARTED', polled!, poll).id,
        new Date('2021-11-30T12:58:49Z'),
      ],
    ]);
    expect(
      closed.map((event) => [event.type, event.id, event.sessionNativeId, event.occurredAt]),
    ).toEqual([
      [
        'SESSION_ENDED',
        sessionEvent('SESSION_ENDED', polled!, poll).id,
        SESSION,
        new Date('2021-11-30T13:08:49Z'),
      ],
    ]);
  });

  it('keys a recording by its job: started, ready (recording_id) and failed', async () => {
    const { provider, reply } = setUp();
    reply('POST', `/v2/recordings/room/${ROOM}/start`, 200, {
      ...fixture<Record<string, unknown>>('start-recording.200.json'),
      id: JOB,
      room_id: ROOM,
      session_id: SESSION,
    });
    const started = await provider.startRecording!(ROOM);
    const api = { source: 'API' } as const;
    const beam = {
      beam_id: '61d3def54b616982bd80ed83',
      room_id: ROOM,
      session_id: SESSION,
      peer_id: PEER,
    };
    const events = [
      envelope('beam.started.success', {
        ...beam,
        job_id: JOB,
        recording_enabled: true,
        state_timestamp: '2021-11-30T12:58:46Z',
      }),
      envelope('beam.recording.success', {
        ...beam,
        recording_id: JOB,
        started_at: '2021-11-30T12:58:34.051Z',
        stopped_at: '2021-11-30T12:59:56.778Z',
        duration: 79,
        size: 10024,
        recording_path: 's3://bucket/prefix/ac.mp4',
        recording_presigned_url: 'https://example.invalid/ac.mp4',
      }),
      envelope('beam.failure', {
        ...beam,
        job_id: JOB,
        recording_enabled: true,
        error_type: 'UPLOAD_ERROR',
      }),
    ].flatMap((body) => provider.eventsFromWebhook!(signed(body))!);
    expect(events.map((event) => [event.type, event.id, event.recordingNativeId])).toEqual([
      ['RECORDING_STARTED', recordingEvent('RECORDING_STARTED', started, api).id, JOB],
      ['RECORDING_READY', roomEventId('RECORDING_READY', 'hms-test', ROOM, JOB), JOB],
      ['RECORDING_FAILED', roomEventId('RECORDING_FAILED', 'hms-test', ROOM, JOB), JOB],
    ]);
    expect(events[1]?.occurredAt).toEqual(new Date('2021-11-30T12:59:56.778Z'));
  });

  it.each([
    [
      'a beam that only streams',
      envelope('beam.started.success', {
        room_id: ROOM,
        session_id: SESSION,
        job_id: JOB,
        recording_enabled: false,
      }),
    ],
    [
      'an SFU recording, which names no job',
      envelope('recording.success', {
        room_id: ROOM,
        session_id: SESSION,
        size: 13933649,
        duration: 600,
      }),
    ],
    [
      'room.end.success',
      envelope('room.end.success', { room_id: ROOM, session_id: SESSION, lock_room: false }),
    ],
    [
      'role.change.success',
      envelope('role.change.success', { room_id: ROOM, session_id: SESSION, peer_id: PEER }),
    ],
    ['transcription.success', envelope('transcription.success', { room_id: ROOM })],
  ])('gives no event for %s', (_, body) => {
    const { provider } = setUp();
    expect(provider.eventsFromWebhook!(signed(body))).toEqual([]);
  });

  it('reads a replay (is_replay) as the delivery it repeats: the same events, the same ids', () => {
    const { provider } = setUp();
    const first = provider.eventsFromWebhook!(signed(fixture('webhook-peer-leave.json')))!;
    const replay = provider.eventsFromWebhook!(
      signed({ ...fixture<Record<string, unknown>>('webhook-peer-leave.json'), is_replay: true }),
    )!;
    expect(replay.map((event) => event.id)).toEqual(first.map((event) => event.id));
  });
});
