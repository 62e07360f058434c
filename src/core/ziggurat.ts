/**
 * Fast standard normal draws: the ziggurat method of Marsaglia & Tsang (2000) with 128 layers. The
 * layer index comes from the low 7 bits of a 32-bit draw and the signed magnitude from the other 25
 * bits, so the two are independent (the correction of Doornik, 2005). About one 32-bit draw per value,
 * several times faster than the polar method, for per-pixel normal fills.
 */
import type { Rng } from './rng.js';

const LAYERS = 128;
const R = 3.442619855899;
const AREA = 9.91256303526217e-3;
const SCALE = 2 ** 24;

/** kn[i]: acceptance threshold on |magnitude|; wn[i]: magnitude to x; fn[i]: density at the layer edge. */
const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);

function buildTables(): void {
  let dn = R;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * SCALE);
  kn[1] = 0;
  wn[0] = q / SCALE;
  wn[LAYERS - 1] = dn / SCALE;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * SCALE);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / SCALE;
  }
}
buildTables();

/** Slow path: the base strip's tail or a wedge rejection test. */
function slowPath(rng: Rng, hz: number, iz: number): number {
  for (;;) {
    const x = hz * wn[iz];
    if (iz === 0) {
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(1 - rng.next()) / R;
        ty = -Math.log(1 - rng.next());
      } while (ty + ty < tx * tx);
      return hz > 0 ? R + tx : -R - tx;
    }
    if (fn[iz] + rng.next() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
    const u = rng.nextUint32();
    hz = (u | 0) >> 7;
    iz = u & 127;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}

/** One standard normal value. */
export function zigguratNormal(rng: Rng): number {
  const u = rng.nextUint32();
  const hz = (u | 0) >> 7;
  const iz = u & 127;
  return Math.abs(hz) < kn[iz] ? hz * wn[iz] : slowPath(rng, hz, iz);
}
