import { HMS_EMULATOR_CREDENTIALS } from '../../src/emulators/hms/hms-emulator.js';
import {
  NETLESS_EMULATOR_ACCESS_KEY,
  NETLESS_EMULATOR_SECRET_KEY,
} from '../../src/emulators/netless/netless-emulator.js';
import { SIGNALWIRE_SANDBOX_CREDENTIALS } from '../../src/emulators/signalwire/signalwire-sandbox.js';
import { VIDESK_EMULATOR_API_TOKEN } from '../../src/emulators/videsk/videsk-emulator.js';

/** The credentials each sandbox emulator accepts, as the sandbox accounts carry them. */
export const EMULATOR_CREDENTIALS = {
  signalwire: SIGNALWIRE_SANDBOX_CREDENTIALS,
  netless: { accessKey: NETLESS_EMULATOR_ACCESS_KEY, secretKey: NETLESS_EMULATOR_SECRET_KEY },
  hms: {
    appAccessKey: HMS_EMULATOR_CREDENTIALS.accessKey,
    appSecret: HMS_EMULATOR_CREDENTIALS.secret,
  },
  videsk: { apiToken: VIDESK_EMULATOR_API_TOKEN },
} as const;
