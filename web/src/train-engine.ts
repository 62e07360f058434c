/**
 * The train panel's engine, loaded on demand (TF.js stays out of the page until then): starts a
 * TF.js backend — WebGPU where the browser gives a hardware adapter, else WebGL on a hardware GPU,
 * else wasm with the library's training kernels, else cpu; a software rasteriser (SwiftShader,
 * llvmpipe) is used only when chosen, as in Node: a step of this page's ResNet-8 takes about 10 s on
 * SwiftShader's WebGL against a fraction of a second on wasm — builds a small ResNet with the
 * library's model registry and trains it with the library's own trainer step (`trainStep`, PyTorch SGD).
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { buildModel } from '../../src/models/index.js';
import { setupBackend } from '../../src/tf/backend.js';
import { setWasmPaths, tf, type tfl } from '../../src/tf/tf.js';
import { describeAdapter, isSoftwareRenderer, webGpuAdapter } from '../../src/tf/webgpu.js';
import type { Batch } from '../../src/data/batch.js';
import { Sgd } from '../../src/train/sgd.js';
import { evalStep, trainStep, type BatchResult } from '../../src/train/step.js';

// Before anything can start the wasm backend: the binaries are the bundle's assets.
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl });

/** Backends the page can train on, in the automatic order. */
export const PAGE_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type PageBackend = (typeof PAGE_BACKENDS)[number];

/** The backend that started, what it runs on, and why the ones before it did not. */
export interface StartedBackend {
  readonly backend: PageBackend;
  readonly detail: string;
  readonly skipped: readonly string[];
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The WebGL renderer's name (unmasked where the browser allows), from a context of its own. */
function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) throw new Error('this browser gives no WebGL 2 context');
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

/** Start `backend` (`explicit`: chosen by the user, so a software rasteriser is accepted); returns what it runs on. */
async function start(backend: PageBackend, explicit: boolean): Promise<string> {
  if (backend === 'webgl') {
    const renderer = webglRenderer();
    if (!explicit && isSoftwareRenderer(renderer)) throw new Error(`only a software renderer, ${renderer}: far slower than wasm, so not chosen automatically`);
    await import('@tensorflow/tfjs-backend-webgl');
    if (!(await tf.setBackend('webgl'))) throw new Error("tf.setBackend('webgl') returned false");
    await tf.ready();
    return renderer;
  }
  if (backend === 'webgpu' && !explicit) await webGpuAdapter(true);
  const info = await setupBackend({ backend });
  if (info.adapter) return describeAdapter(info.adapter);
  return backend === 'wasm' ? `WebAssembly${info.simd ? ' SIMD' : ''}, the library's training kernels` : 'JavaScript';
}

/** Start `wanted`, or with `auto` the first of {@link PAGE_BACKENDS} that starts. */
export async function startBackend(wanted: PageBackend | 'auto'): Promise<StartedBackend> {
  const skipped: string[] = [];
  for (const backend of wanted === 'auto' ? PAGE_BACKENDS : [wanted]) {
    try {
      return { backend, detail: await start(backend, wanted !== 'auto'), skipped };
    } catch (error) {
      if (wanted !== 'auto') throw new Error(`${backend} cannot start: ${reason(error)}`, { cause: error });
      skipped.push(`${backend}: ${reason(error)}`);
    }
  }
  throw new Error(`no backend could start (${skipped.join('; ')})`);
}

/** A ResNet-8 being trained in the page. */
export class PageTrainer {
  private readonly model: tfl.LayersModel;
  private readonly sgd: Sgd;

  constructor(classes: number, inputShape: [number, number, number], seed: number) {
    this.model = buildModel({ arch: 'resnet', depth: 8, numClasses: classes, inputShape, seed });
    this.sgd = new Sgd(this.model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 5e-4, nesterov: false });
  }

  /** One trainer step on `batch` (BatchNorm over the whole batch). */
  step(batch: Batch, lr: number): Promise<BatchResult> {
    return trainStep(this.model, this.sgd, batch, lr, 0);
  }

  /** Loss and accuracy of the model in inference mode on `batch`. */
  evaluate(batch: Batch): Promise<BatchResult> {
    return evalStep(this.model, batch);
  }

  dispose(): void {
    this.sgd.dispose();
    this.model.dispose();
  }
}
