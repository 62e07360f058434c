/**
 * Tables of the ziggurat method for standard normal values (Marsaglia & Tsang, 2000) with 256
 * layers. A 32-bit draw u gives the layer iz = u & 255 and the signed magnitude hz = u >> 8 (as
 * int32), independent of each other (Doornik's correction, 2005): the value hz * w[iz] is accepted
 * at once when |hz| < k[iz], about 98.5 % of the time; otherwise the slow path (ziggurat-slow.ts)
 * finishes it with further draws.
 */

/** Number of layers. */
export const LAYERS = 256;
/** Start of the tail: the right edge of the base layer. */
export const R = 3.6541528853610088;
const AREA = 0.00492867323399;
const SCALE = 2 ** 23;

/** Acceptance bound of each layer for |hz|. */
export const kn = new Int32Array(LAYERS);
/** Layer width divided by 2^23, in double precision (slow path). */
export const wn = new Float64Array(LAYERS);
/** Density at each layer's edge. */
export const fn = new Float64Array(LAYERS);
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
