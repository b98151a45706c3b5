/** Fixed loopback ports for `npm run emulators` and the sandbox. Tests use port 0 instead. */
export const EMULATOR_PORTS = {
  signalwire: 4101,
  netless: 4102,
  hms: 4103,
  videsk: 4104,
} as const;
