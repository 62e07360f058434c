/**
 * Tables and slow path of the ziggurat method for standard normal values (Marsaglia & Tsang, 2000)
 * with 256 layers. A 32-bit draw u gives the layer iz = u & 255 and the signed magnitude
 * hz = u >> 8 (as int32), independent of each other (Doornik's correction, 2005): the value
 * hz * w[iz] is accepted at once when |hz| < k[iz], about 98.5 % of the time; otherwise
 * {@link zigguratSlowPath} finishes it with further draws.
 */

const LAYERS = 256;
const R = 3.6541528853610088;
const AREA = 0.00492867323399;
const SCALE = 2 ** 23;

/** Acceptance bound of each layer for |hz|. */
export const kn = new Int32Array(LAYERS);
/** Layer width divided by 2^23, in double precision (slow path). */
const wn = new Float64Array(LAYERS);
/** Density at each layer's edge. */
const fn = new Float64Array(LAYERS);
/** Layer widths rounded to float32: the fast path computes hz * w in float32. */
export const wf = new Float32Array(LAYERS);

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
  wf.set(wn);
}
buildTables();

/** The 32-bit draws the slow path needs: a source such as {@link Rng}. */
export interface UniformSource {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
}

/** Slow path for a draw the fast test rejected: the base strip's tail or a wedge test, drawing more. */
export function zigguratSlowPath(source: UniformSource, hz: number, iz: number): number {
  for (;;) {
    const x = hz * wn[iz];
    if (iz === 0) {
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(1 - source.next()) / R;
        ty = -Math.log(1 - source.next());
      } while (ty + ty < tx * tx);
      return hz > 0 ? R + tx : -R - tx;
    }
    if (fn[iz] + source.next() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
    const u = source.nextUint32();
    hz = (u | 0) >> 8;
    iz = u & 255;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}
