import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HMS_EMULATOR_CLASSROOM_TEMPLATE,
  type HmsEmulator,
} from '../../src/emulators/hms/hms-emulator.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  TwoRoomTokensDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * 100ms roles come from each app's templates (hms.md §2.3). Two accounts on one emulated app:
 * `hms` keeps the default role names, `hms-classroom` maps ours onto the classroom template's.
 */
let server: TestServer;
let hms: HmsEmulator;

beforeAll(async () => {
  server = await startTestServer({
    providers: (emulated) => {
      const account = emulated.find((provider) => provider.kind === 'hms');
      if (account?.kind !== 'hms') {
        throw new Error('no emulated 100ms account');
      }
      return [
        ...emulated,
        {
          ...account,
          key: 'hms-classroom',
          roleMap: { HOST: 'teacher', PARTICIPANT: 'student' },
        },
      ];
    },
  });
  hms = server.emulator('hms') as HmsEmulator;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  for (const running of server.fleet.running) {
    running.emulator.reset();
  }
});

async function createRoom(providerKey: string, name: string, templateId?: string) {
  const result = await server.execute(CreateRoomDocument, {
    input: { providerKey, name, ...(templateId ? { hms: { templateId } } : {}) },
  });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

const upstream = () => hms.log.all().map((entry) => `${entry.method} ${entry.path}`);

describe('role names of the room template', () => {
  it("refuses a role the room's template lacks, before signing, naming input.role", async () => {
    const roomId = await createRoom('hms', 'class-1', HMS_EMULATOR_CLASSROOM_TEMPLATE.id);
    hms.log.clear();
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId, role: 'HOST' },
    });
    expect(result.data?.createRoomToken).toEqual({
      __typename: 'InputValidationError',
      code: 'BAD_USER_INPUT',
      message: expect.any(String),
      issues: [
        {
          path: ['input', 'role'],
          message: `HOST maps to the 100ms role "host" (the account's roleMap), which the room's template "classroom" (${HMS_EMULATOR_CLASSROOM_TEMPLATE.id}) does not have; its roles are "teacher", "student"`,
        },
      ],
    });
    // The room (through the loader), then its template: two reads, nothing written.
    expect(upstream()).toEqual([
      expect.stringMatching(/^GET \/v2\/rooms\/[0-9a-f]{24}$/),
      `GET /v2/templates/${HMS_EMULATOR_CLASSROOM_TEMPLATE.id}`,
    ]);
  });

  it('passes providerRole through, and the token joins as that role', async () => {
    const roomId = await createRoom('hms', 'class-2', HMS_EMULATOR_CLASSROOM_TEMPLATE.id);
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId, role: 'HOST', providerRole: 'teacher', identity: 'ms-frizzle' },
    });
    const minted = result.data?.createRoomToken;
    if (minted?.__typename !== 'CreateRoomTokenSuccess') {
      throw new Error(JSON.stringify(result));
    }
    expect(minted.roomToken).toMatchObject({ role: 'HOST', providerRole: 'teacher' });
    expect(hms.verifyAppToken(minted.roomToken.token)).toMatchObject({
      ok: true,
      role: 'teacher',
      userId: 'ms-frizzle',
    });
    const wrong = await server.execute(CreateRoomTokenDocument, {
      input: { roomId, role: 'HOST', providerRole: 'principal' },
    });
    expect(wrong.data?.createRoomToken).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'providerRole'] }],
    });
  });

  it("mints the account's roleMap names, which only its templates' rooms accept", async () => {
    const classroom = await createRoom(
      'hms-classroom',
      'class-3',
      HMS_EMULATOR_CLASSROOM_TEMPLATE.id,
    );
    const plain = await createRoom('hms-classroom', 'class-4');
    const result = await server.execute(TwoRoomTokensDocument, {
      first: { roomId: classroom, role: 'PARTICIPANT', identity: 'arnold' },
      second: { roomId: plain, role: 'PARTICIPANT' },
    });
    if (result.data?.first.__typename !== 'CreateRoomTokenSuccess') {
      throw new Error(JSON.stringify(result));
    }
    expect(result.data.first.roomToken.providerRole).toBe('student');
    expect(hms.verifyAppToken(result.data.first.roomToken.token)).toMatchObject({
      ok: true,
      role: 'student',
    });
    // The default template has host, guest and viewer-realtime: no student.
    expect(result.data.second).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'role'] }],
    });
  });

  it('reads a template once per operation for every token of its rooms', async () => {
    const first = await createRoom('hms', 'class-5', HMS_EMULATOR_CLASSROOM_TEMPLATE.id);
    const second = await createRoom('hms', 'class-6', HMS_EMULATOR_CLASSROOM_TEMPLATE.id);
    hms.log.clear();
    const result = await server.execute(TwoRoomTokensDocument, {
      first: { roomId: first, role: 'HOST', providerRole: 'teacher' },
      second: { roomId: second, role: 'PARTICIPANT', providerRole: 'student' },
    });
    expect([result.data?.first.__typename, result.data?.second.__typename]).toEqual([
      'CreateRoomTokenSuccess',
      'CreateRoomTokenSuccess',
    ]);
    // Mutation fields run one after the other: room 1, the template, room 2; the template
    // read of the second field is the first one's answer.
    expect(upstream().filter((call) => call.startsWith('GET /v2/templates/'))).toHaveLength(1);
    expect(upstream()).toHaveLength(3);
  });
});

describe('providerRole on providers whose roles follow `role`', () => {
  it.each(['signalwire', 'netless', 'videsk'])(
    'is an input error on %s, with no upstream call',
    async (providerKey) => {
      const roomId = await createRoom(providerKey, `${providerKey}-room`);
      const emulator = server.emulator(providerKey);
      emulator.log.clear();
      const result = await server.execute(CreateRoomTokenDocument, {
        input: { roomId, role: 'PARTICIPANT', providerRole: 'member' },
      });
      expect(result.data?.createRoomToken).toMatchObject({
        __typename: 'InputValidationError',
        issues: [
          {
            path: ['input', 'providerRole'],
            message: expect.stringContaining('applies to HMS accounts only'),
          },
        ],
      });
      expect(emulator.log.count()).toBe(0);
    },
  );
});
