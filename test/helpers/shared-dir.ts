import { fileURLToPath } from 'node:url';

/** `../shared` beside the repository: fact sheets and provider specs, as CI lays them out. */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

export const SIGNALWIRE_OPENAPI = `${SHARED_DIR}specs/signalwire/video/openapi.yaml`;

/** A third-party skeleton of 100ms's API, wrong in places (hms.md §8): read with care. */
export const HMS_ROOMS_OPENAPI = `${SHARED_DIR}specs/100ms/100ms-live-rooms-api-openapi.yml`;
export const HMS_ROOM_CODES_OPENAPI = `${SHARED_DIR}specs/100ms/100ms-live-room-codes-api-openapi.yml`;
