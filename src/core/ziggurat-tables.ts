/**
 * Tables of the ziggurat method for standard normal values (Marsaglia & Tsang, 2000) with 2048
 * layers. A 32-bit draw u gives the layer iz = u & 2047 and the signed magnitude hz = u >> 11 (as
 * int32), independent of each other (Doornik's correction, 2005): the value hz * w[iz] is accepted
 * at once when |hz| < k[iz], about 99.78 % of the time; otherwise the slow path (ziggurat-slow.ts)
 * finishes it with further draws. Within a layer values are multiples of its width / 2^20 (a relative step of 1e-6).
 */

/** Bits of a draw that pick the layer. */
export const LAYER_BITS = 11;
/** Number of layers. */
export const LAYERS = 1 << LAYER_BITS;
/**
 * Start of the tail: the right edge of the base layer, solved (by bisection, in float64) so that
 * 2048 layers of area AREA stack exactly up to the density's peak.
 */
export const R = 4.216370409511896;
/** Area of every layer: R f(R) plus the tail beyond R, f(x) = exp(-x^2 / 2). */
export const AREA = 0.0006126065176240485;
/** |hz| <= 2^20. */
const SCALE = 2 ** (31 - LAYER_BITS);

/** Acceptance bound of each layer for |hz|. */
export const kn = new Int32Array(LAYERS);
/** Layer width divided by 2^20, in double precision (slow path). */
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
