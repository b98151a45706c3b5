import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './types/enums.js';
import './types/errors.js';
import './types/provider.js';
import './types/room.js';
import './types/room-inputs.js';
import './types/room-mutations.js';
import './types/room-settings.js';
import './types/room-token.js';
import './types/rooms.js';
import './types/scalars.js';

/** The whole schema, with types sorted so the printed SDL is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());
