/**
 * Whether the native kernels (`npm run build:native`) can load here: `nativeSkip` is false when
 * they can, else the reason, for `{ skip }` of the tests that need them. With
 * RANDOM_ERASING_REQUIRE_NATIVE=1 (CI builds the addon) a missing addon fails instead.
 */
import { loadNativeAddon } from '../../src/tf/native-addon.js';

const unavailable = await loadNativeAddon().then(
  () => undefined,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);
if (unavailable !== undefined && process.env.RANDOM_ERASING_REQUIRE_NATIVE === '1') {
  throw new Error(`RANDOM_ERASING_REQUIRE_NATIVE=1 but the native kernels cannot load: ${unavailable}`);
}

export const nativeSkip: false | string = unavailable === undefined ? false : `native kernels not built (${unavailable})`;
