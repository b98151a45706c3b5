import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/graphql/schema.js';

describe('printed schema', () => {
  it('matches schema/schema.graphql, so the committed SDL is what the code serves', () => {
    const committed = readFileSync(
      new URL('../../../schema/schema.graphql', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(`${printSchema(schema)}\n`);
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
    ]) {
      expect(sdl).toContain(name);
    }
    const query = schema.getQueryType()?.getFields() ?? {};
    expect(Object.keys(query).sort()).toEqual(
      ['node', 'nodes', 'provider', 'providers', 'room', 'rooms'].sort(),
    );
    const mutation = schema.getMutationType()?.getFields() ?? {};
    expect(Object.keys(mutation).sort()).toEqual(
      [
        'createRoom',
        'createRoomToken',
        'deleteRoom',
        'disableRoom',
        'enableRoom',
        'updateRoom',
      ].sort(),
    );
  });
});
