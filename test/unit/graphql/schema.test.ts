import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema, subgraphSdl } from '../../../src/graphql/schema.js';

describe('printed schema', () => {
  it('matches schema/schema.graphql, so the committed SDL is what the code serves', () => {
    const committed = readFileSync(
      new URL('../../../schema/schema.graphql', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });

  it('matches schema/subgraph.graphql, so the committed subgraph SDL is what _service returns', () => {
    const committed = readFileSync(
      new URL('../../../schema/subgraph.graphql', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(`${subgraphSdl}\n`);
    expect(committed).toContain('type Room implements Node @key(fields: "id")');
    expect(committed).toContain('type Provider implements Node @key(fields: "id")');
  });

  it('keeps the public names of the design contract', () => {
    const sdl = printSchema(schema);
    for (const name of [
      'interface Node',
      'interface Error',
      'type Provider implements Node',
      'type Room implements Node',
      'type RoomToken',
      'enum ProviderKind',
      'enum RoomStatus',
      'type RoomSession implements Node',
      'type Participant',
      'type Recording implements Node',
      'enum SessionStatus',
      'enum RecordingStatus',
      'type RoomEvent',
      'enum RoomEventType',
    ]) {
      expect(sdl).toContain(name);
    }
    const query = schema.getQueryType()?.getFields() ?? {};
    // `_entities` and `_service` are the federation gateway's; the rest are the contract's.
    expect(Object.keys(query).sort()).toEqual(
      [
        '_entities',
        '_service',
        'node',
        'nodes',
        'provider',
        'providers',
        'room',
        'rooms',
        'webhookDeliveries',
        'webhookTargets',
      ].sort(),
    );
    expect(Object.keys(schema.getSubscriptionType()?.getFields() ?? {})).toEqual(['roomEvents']);
    const mutation = schema.getMutationType()?.getFields() ?? {};
    expect(Object.keys(mutation).sort()).toEqual(
      [
        'createRoom',
        'createRoomToken',
        'deleteRoom',
        'disableRoom',
        'enableRoom',
        'updateRoom',
        'removeParticipant',
        'endRoomSession',
        'startRecording',
        'stopRecording',
      ].sort(),
    );
  });
});
