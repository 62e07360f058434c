#!/usr/bin/env bash
# The GPU figures of the WebGPU trainer in one prepared run, on a machine with an NVIDIA GPU, PyTorch
# with CUDA and no Node.js or npm (this workplace's device machine):
#
#   bash bench/webgpu-gpu.sh pack    # here: writes .gpu-bench/ (about 40 MB, git-ignored): the webgpu
#                                    # bench and replica worker bundled by esbuild, this Node binary
#                                    # (xz), Dawn's linux-x64 dawn.node, the wasm binaries, and the
#                                    # Vulkan/EGL/GL loader packages (apt-get download)
#   bash bench/webgpu-gpu.sh run     # there, with .gpu-bench/ beside the sources (the device tool:
#                                    # carry [".gpu-bench"]): unpacks the loaders, points Vulkan at the
#                                    # NVIDIA driver, runs `bench webgpu` (our webgpu trainer step, PyTorch
#                                    # CUDA and our wasm CPU path in one run, then the step profile) and
#                                    # writes the output to $OUT/webgpu-gpu.txt (or .gpu-bench/webgpu-gpu.txt)
#
# The run takes about two minutes on an H200 besides the machine's start. `run` also works here, on
# the software adapter, as a check of the bundle (WEBGPU_BENCH_BATCH=16 keeps it to minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=.gpu-bench
LOADERS=(libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
BANNER="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fp } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fp(import.meta.url); const __dirname = __dn(__filename);"

pack() {
  rm -rf "$DIR" && mkdir -p "$DIR/debs" "$DIR/node_modules/webgpu/dist/linux-x64" "$DIR/node_modules/@tensorflow/tfjs-backend-wasm/dist"
  printf '{ "type": "module" }\n' >"$DIR/package.json"
  # One ESM bundle per entry, with require and __dirname for the CommonJS inside; the native module
  # and the optional tfjs-node stay outside (webgpu is resolved from $DIR/node_modules).
  node_modules/.bin/esbuild bench/webgpu-main.ts src/train/replica-worker.ts --bundle --platform=node --format=esm \
    --outdir="$DIR" --entry-names='[name]' --out-extension:.js=.js --external:webgpu --external:@tensorflow/tfjs-node --ignore-annotations \
    --banner:js="$BANNER" --log-level=warning
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$DIR/node_modules/webgpu/"
  cp node_modules/webgpu/dist/linux-x64/dawn.node "$DIR/node_modules/webgpu/dist/linux-x64/"
  local wasm=node_modules/@tensorflow/tfjs-backend-wasm
  cp "$wasm/package.json" "$DIR/node_modules/@tensorflow/tfjs-backend-wasm/"
  cp "$wasm"/dist/tf-backend-wasm.node.js "$wasm"/dist/*.wasm "$DIR/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
  xz -T0 -6 -c "$(readlink -f "$(command -v node)")" >"$DIR/node.xz"
  (cd "$DIR/debs" && apt-get -oAPT::Architecture=amd64 download "${LOADERS[@]}" >/dev/null)
  du -sh "$DIR"
}

run() {
  [ -f "$DIR/webgpu-main.js" ] || { echo "no $DIR/webgpu-main.js: run 'bash bench/webgpu-gpu.sh pack' first (and carry $DIR)" >&2; exit 2; }
  if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
    for f in "$DIR"/debs/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"
  # Dawn's OpenGL fallback opens libEGL.so (unversioned), which only the -dev package links.
  local egl1 && egl1=$(ldconfig -p | awk '/libEGL.so.1 /{print $NF; exit}')
  [ -n "$egl1" ] && [ ! -e "$(dirname "$egl1")/libEGL.so" ] && ln -s "$egl1" "$(dirname "$egl1")/libEGL.so" 2>/dev/null || true
  local node=/tmp/webgpu-bench-node
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$DIR/node.xz" "$node"
  chmod +x "$node"
  local out="${OUT:-$DIR}/webgpu-gpu.txt"
  { nvidia-smi -L 2>/dev/null || echo "no nvidia-smi"; "$node" --version; } | tee "$out"
  "$node" "$DIR/webgpu-main.js" 2>&1 | grep -v 'artificially reduced' | tee -a "$out"
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: bash bench/webgpu-gpu.sh pack|run" >&2; exit 2 ;;
esac
