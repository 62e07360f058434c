/** Entry of the bundled webgpu bench (bench/webgpu-gpu.sh): the `webgpu` section alone. */
import { run } from './webgpu.js';

await run();
