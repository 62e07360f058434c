/**
 * WebGPU for TF.js: finds an adapter (the browser's `navigator.gpu`, or in Node the optional `webgpu`
 * package, Google's Dawn), tells hardware GPUs from software rasterisers, and registers the optional
 * `@tensorflow/tfjs-backend-webgpu` backend on the adapter found.
 *
 * In Node, Dawn is asked first for its default adapter (Vulkan, Metal or D3D12, full WebGPU), then for
 * its OpenGL one in compatibility mode, which is what a machine without a GPU has through Mesa's
 * llvmpipe (`EGL_PLATFORM=surfaceless` is set for it unless already set).
 */
import { tf } from './tf.js';

/** The adapter limits recorded in a report: those the TF.js backend requests, and its binding count. */
export const REPORTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** What the backend found about the WebGPU adapter it runs on. */
export interface WebGpuAdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A software rasteriser (llvmpipe, lavapipe, SwiftShader, …): correct, but far slower than wasm. */
  readonly software: boolean;
  /** `core` (full WebGPU) or `compatibility` (the OpenGL-class subset). */
  readonly featureLevel: 'core' | 'compatibility';
  /** Where it came from: `navigator.gpu`, or the Dawn instance asked (`dawn` = its default, `dawn backend=opengl`). */
  readonly source: string;
  readonly limits: Readonly<Record<(typeof REPORTED_LIMITS)[number], number>>;
}

/** The optional packages WebGPU needs in Node. */
export const WEBGPU_PACKAGES = ['webgpu', '@tensorflow/tfjs-backend-webgpu'] as const;

/** The slice of the WebGPU API used here (typed locally: the optional packages' types may be absent). */
interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number> | object;
  readonly features: ReadonlySet<string>;
  requestDevice(descriptor?: object): Promise<unknown>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string; featureLevel?: string }): Promise<GpuAdapterLike | null>;
}

/** One way to ask for an adapter. */
interface Attempt {
  readonly source: string;
  readonly featureLevel: 'core' | 'compatibility';
  gpu(): Promise<GpuLike>;
}

interface FoundAdapter {
  readonly gpu: GpuLike;
  readonly adapter: GpuAdapterLike;
  readonly report: WebGpuAdapterReport;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render driver/i;

/** Whether a GPU adapter's or renderer's name (WebGPU adapter info, a WebGL renderer string) is a software rasteriser's. */
export function isSoftwareRenderer(name: string): boolean {
  return SOFTWARE.test(name);
}

const isNode = () => typeof process !== 'undefined' && process.versions?.node !== undefined;

function browserGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/** Dawn's entry points, from the optional `webgpu` package. */
let dawn: Promise<{ create(flags: string[]): GpuLike; globals: object }> | null = null;
function loadDawn() {
  const name = WEBGPU_PACKAGES[0]; // a variable keeps bundlers from pulling the native module into a page
  dawn ??= import(name).catch((error: unknown) => {
    dawn = null;
    throw new Error(`the optional package '${name}' cannot be loaded (npm install ${name}): ${(error as Error).message}`, { cause: error });
  });
  return dawn;
}

function dawnAttempt(flags: string[], featureLevel: Attempt['featureLevel']): Attempt {
  return {
    source: ['dawn', ...flags].join(' '),
    featureLevel,
    gpu: async () => {
      const { create } = await loadDawn();
      if (flags.includes('backend=opengl')) process.env.EGL_PLATFORM ??= 'surfaceless';
      return create(flags);
    },
  };
}

/**
 * The ways to ask for an adapter here, best first. Without a GPU device file, Dawn's OpenGL adapter
 * (llvmpipe) comes first: asking its Vulkan one there only prints driver warnings before it fails or
 * finds another software rasteriser.
 */
async function attempts(): Promise<Attempt[]> {
  const gpu = browserGpu();
  if (gpu) return (['core', 'compatibility'] as const).map((featureLevel) => ({ source: 'navigator.gpu', featureLevel, gpu: async () => gpu }));
  if (!isNode()) return [];
  const order = [dawnAttempt([], 'core'), dawnAttempt(['backend=opengl'], 'compatibility')];
  return (await gpuDeviceFile()) === null ? order.reverse() : order;
}

function limitsOf(adapter: GpuAdapterLike): WebGpuAdapterReport['limits'] {
  const limits = adapter.limits as Record<string, number>;
  return Object.fromEntries(REPORTED_LIMITS.map((name) => [name, Number(limits[name])])) as WebGpuAdapterReport['limits'];
}

function reportOf(adapter: GpuAdapterLike, attempt: Attempt): WebGpuAdapterReport {
  const info = adapter.info ?? {};
  const text = (value: string | undefined) => value ?? '';
  const named = [info.vendor, info.architecture, info.device, info.description].map(text);
  return {
    vendor: named[0],
    architecture: named[1],
    device: named[2],
    description: named[3],
    software: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || isSoftwareRenderer(named.join(' ')),
    featureLevel: attempt.featureLevel,
    source: attempt.source,
    limits: limitsOf(adapter),
  };
}

let search: Promise<FoundAdapter> | null = null;

/** The first adapter the attempts give (searched once per process); throws naming what each attempt said. */
function findAdapter(): Promise<FoundAdapter> {
  search ??= (async () => {
    const tried: string[] = [];
    for (const attempt of await attempts()) {
      const gpu = await attempt.gpu();
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel: attempt.featureLevel });
      if (adapter) return { gpu, adapter, report: reportOf(adapter, attempt) };
      tried.push(`${attempt.source} (${attempt.featureLevel}): no adapter`);
    }
    throw new Error(tried.length ? `no WebGPU adapter: ${tried.join('; ')}` : 'this runtime has no WebGPU (no navigator.gpu)');
  })();
  search.catch(() => {
    search = null;
  });
  return search;
}

/**
 * Whether a hardware GPU may be present, checked without loading Dawn: on Linux a GPU driver exposes a
 * device file (`/dev/dri/renderD*` for Mesa and AMD/Intel drivers, `/dev/nvidia*`, `/dev/dxg` under
 * WSL). Elsewhere (macOS, Windows, browsers) the adapter itself must be asked.
 */
async function gpuDeviceFile(): Promise<string | null | undefined> {
  if (!isNode() || process.platform !== 'linux') return undefined;
  const { readdir } = await import('node:fs/promises');
  const names = async (dir: string) => readdir(dir).catch(() => [] as string[]);
  const dri = (await names('/dev/dri')).find((n) => n.startsWith('renderD'));
  if (dri) return `/dev/dri/${dri}`;
  const dev = (await names('/dev')).find((n) => /^nvidia\d+$/.test(n) || n === 'dxg');
  return dev ? `/dev/${dev}` : null;
}

/** One line naming an adapter: vendor, architecture, device (those the driver gives), and how it was found. */
export function describeAdapter(report: WebGpuAdapterReport): string {
  const name = [report.vendor, report.architecture, report.device, report.description].filter((s) => s !== '').join(' / ') || 'unnamed adapter';
  return `${name} (${report.software ? 'software' : 'hardware'}, ${report.featureLevel}, ${report.source})`;
}

/**
 * The adapter `webgpu` would run on. With `hardwareOnly`, throws when there is no hardware GPU (on
 * Linux without loading Dawn when no GPU device file exists) or the adapter is a software rasteriser.
 */
export async function webGpuAdapter(hardwareOnly: boolean): Promise<WebGpuAdapterReport> {
  if (hardwareOnly && (await gpuDeviceFile()) === null) {
    throw new Error('no GPU device file (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg): no hardware GPU here');
  }
  const { report } = await findAdapter();
  if (hardwareOnly && report.software) {
    throw new Error(`only a software adapter, ${describeAdapter(report)}: far slower than wasm, so not chosen automatically (--backend webgpu uses it)`);
  }
  return report;
}

/** Puts Dawn's GPU and WebGPU constants (GPUBufferUsage, …) where the TF.js backend looks for them. */
async function exposeToTfjs(gpu: GpuLike): Promise<void> {
  if (browserGpu() === gpu) return;
  const { globals } = await loadDawn();
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

let registered: Promise<WebGpuAdapterReport> | null = null;

/**
 * Registers TF.js backend `webgpu` on the adapter {@link webGpuAdapter} finds (once per process; a
 * software adapter is accepted), replacing the stock registration, which asks for a full-WebGPU
 * adapter only. Requires the optional `@tensorflow/tfjs-backend-webgpu` package.
 */
export function registerWebGpu(): Promise<WebGpuAdapterReport> {
  registered ??= (async () => {
    const { gpu, adapter, report } = await findAdapter();
    // Imported before navigator.gpu is set in Node, so that the stock factory is not registered there.
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu').catch((error: unknown) => {
      throw new Error(`the optional package '${WEBGPU_PACKAGES[1]}' cannot be loaded (npm install ${WEBGPU_PACKAGES[1]}): ${(error as Error).message}`, { cause: error });
    });
    await exposeToTfjs(gpu);
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    const requiredLimits = Object.fromEntries(REPORTED_LIMITS.filter((n) => n !== 'maxStorageBuffersPerShaderStage').map((n) => [n, report.limits[n]]));
    const requiredFeatures = ['timestamp-query'].filter((f) => adapter.features.has(f));
    // The device is made here, not in the factory, so that its failure reaches the caller (TF.js only logs a factory's).
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    tf.registerBackend('webgpu', () => new WebGPUBackend(...([device, adapter.info] as unknown as ConstructorParameters<typeof WebGPUBackend>)));
    return report;
  })();
  registered.catch(() => {
    registered = null;
  });
  return registered;
}
