#!/usr/bin/env bash
# bench/gpu.sh: the WebGPU tests and the webgpu bench suite on an NVIDIA GPU (issue 11).
#
# On a machine with an NVIDIA GPU and its driver: installs the Vulkan loader Dawn needs (libvulkan1;
# the driver's own Vulkan ICD is expected from the machine), points Vulkan at the NVIDIA ICD alone
# (lavapipe is never added, and the run fails if Dawn offers anything but that GPU), runs the
# @rx-telemetry/webgpu and @rx-telemetry/webgpu-kernels tests and `pnpm bench webgpu`, and writes
# bench/results/<date>-<host>-gpu.json (the bench results) and <date>-<host>-gpu-run.json (the
# adapter, nvidia-smi, the test counts). The whole run stays under 10 minutes (GPU_SH_BUDGET_S,
# default 570 s); each step gets what is left.
#
#   bash bench/gpu.sh                 # from anywhere in the checkout
#   GPU_SH_OUT=/some/dir bash bench/gpu.sh   # also copy the JSON files and logs there
#
# Machines without network: put the loader's .deb files (libvulkan1 and what it needs) in .gl/ at
# the repository root; they are unpacked instead of apt-get install.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$SECONDS
BUDGET=${GPU_SH_BUDGET_S:-570}

step() { echo "[gpu.sh $((SECONDS - START))s] $*" >&2; }
fail() {
  echo "gpu.sh: FAILED: $*" >&2
  exit 1
}
left() { echo $((BUDGET - (SECONDS - START))); }
bounded() {
  # bounded <what> <command...>: runs the command with the time that is left, failing clearly at the deadline.
  local what=$1
  shift
  local t
  t=$(left)
  ((t > 5)) || fail "out of time before: $what (budget ${BUDGET}s)"
  local rc=0
  timeout --kill-after=10 "$t" "$@" || rc=$?
  ((rc != 124 && rc != 137)) || fail "$what did not finish within the ${BUDGET}s budget"
  return $rc
}

DATE=$(date -u +%Y-%m-%d)
HOST=$(hostname | tr -c 'A-Za-z0-9._\n-' '_')
RESULTS="$ROOT/bench/results"
BENCH_JSON="$RESULTS/$DATE-$HOST-gpu.json"
RUN_JSON="$RESULTS/$DATE-$HOST-gpu-run.json"
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/gpu-sh.XXXXXX")
mkdir -p "$RESULTS"

# 1. An NVIDIA GPU with its driver.
command -v nvidia-smi >/dev/null 2>&1 ||
  fail "no NVIDIA driver on this machine (nvidia-smi not found). gpu.sh runs only where an NVIDIA GPU is; elsewhere 'pnpm bench webgpu' uses lavapipe."
SMI=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1) ||
  fail "nvidia-smi found no usable GPU: $SMI"
step "GPU: $SMI"

# 2. The Vulkan loader.
if [ "$(id -u)" -eq 0 ]; then AS_ROOT=(); else AS_ROOT=(sudo -n); fi
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  if compgen -G "$ROOT/.gl/*.deb" >/dev/null; then
    step "unpacking the Vulkan loader from .gl/*.deb"
    for f in "$ROOT"/.gl/*.deb; do "${AS_ROOT[@]}" dpkg -x "$f" /; done
    "${AS_ROOT[@]}" ldconfig
  else
    step "installing the Vulkan loader (apt-get install libvulkan1)"
    bounded "apt-get update" "${AS_ROOT[@]}" apt-get update -qq || fail "apt-get update failed (no network? put libvulkan1's .deb files in .gl/)"
    bounded "apt-get install libvulkan1" "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1 ||
      fail "could not install libvulkan1 (the Vulkan loader)"
  fi
fi
ldconfig -p | grep -q 'libvulkan\.so\.1' || fail "no Vulkan loader (libvulkan.so.1) after installing it"

# 3. The NVIDIA Vulkan ICD, and only it: no lavapipe, no other driver.
ICD=${VK_DRIVER_FILES:-}
if [ -z "$ICD" ]; then
  for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
    /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
    if [ -f "$f" ]; then
      ICD=$f
      break
    fi
  done
fi
[ -n "$ICD" ] || fail "the NVIDIA driver has no Vulkan ICD here (no nvidia_icd.json in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d or /usr/local/nvidia/share/vulkan/icd.d); install the driver's Vulkan part or set VK_DRIVER_FILES to its JSON"
export VK_DRIVER_FILES=$ICD
unset VK_ICD_FILENAMES VK_ADD_DRIVER_FILES
# Dawn's OpenGL ES fallback would find Mesa's software renderer: point EGL at NVIDIA's vendor file
# when there is one (the adapter check below rejects anything but the GPU either way).
for f in /usr/share/glvnd/egl_vendor.d/10_nvidia.json /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json; do
  if [ -f "$f" ]; then
    export __EGL_VENDOR_LIBRARY_FILENAMES=$f
    break
  fi
done
step "Vulkan ICD: $VK_DRIVER_FILES"

# 4. Dependencies and the build (skipped when already there).
PNPM="$ROOT/.tools/node_modules/.bin/pnpm"
# The project environment (runtime dir, shader caches); it leaves the VK_DRIVER_FILES above alone.
RUN=(node "$ROOT/packages/devkit/setup/run.mjs")
command -v node >/dev/null 2>&1 || fail "Node.js is not installed (Node 20 or later is needed)"
if [ ! -x "$PNPM" ]; then
  step "installing pnpm into .tools/"
  bounded "installing pnpm" npm install --prefix "$ROOT/.tools" --no-audit --no-fund --loglevel=error pnpm@10.34.9 >"$LOGS/pnpm.log" 2>&1 ||
    fail "could not install pnpm (log: $LOGS/pnpm.log)"
fi
if [ ! -d "$ROOT/node_modules/.pnpm" ]; then
  step "installing dependencies (pnpm install --frozen-lockfile)"
  bounded "pnpm install" "$PNPM" install --frozen-lockfile --reporter=append-only >"$LOGS/install.log" 2>&1 ||
    fail "pnpm install failed (log: $LOGS/install.log)"
fi
step "building (tsc -b packages/webgpu packages/webgpu-kernels bench)"
bounded "the build" "$PNPM" exec tsc -b packages/webgpu packages/webgpu-kernels bench >"$LOGS/build.log" 2>&1 ||
  fail "the build failed (log: $LOGS/build.log): $(tail -5 "$LOGS/build.log")"

# 5. The adapter Dawn offers must be this GPU through Vulkan.
step "asking Dawn for an adapter"
ADAPTER=$(bounded "the adapter probe" node --input-type=module -e "
  import { requestAdapter } from '$ROOT/packages/webgpu/dist/src/index.js';
  let found;
  try { found = await requestAdapter({ powerPreference: 'high-performance' }); }
  catch (e) { console.log(JSON.stringify({ error: String(e && e.message || e) })); process.exit(0); }
  const i = found.adapter.info;
  console.log(JSON.stringify({ backend: found.backend, vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
    fallback: found.adapter.isFallbackAdapter ?? i.isFallbackAdapter ?? false, timestamps: found.adapter.features.has('timestamp-query') }));
  process.exit(0);
" 2>"$LOGS/probe.log") || fail "the adapter probe crashed: $(tail -5 "$LOGS/probe.log")"
step "adapter: $ADAPTER"
node -e "
  const a = JSON.parse(process.argv[1]);
  const why = a.error ? 'Dawn found no adapter: ' + a.error
    : a.backend !== 'default' ? 'Dawn fell back to its ' + a.backend + ' backend, not Vulkan'
    : a.fallback || /llvmpipe|lavapipe|swiftshader|software/i.test(a.description + ' ' + a.device) ? 'the adapter is a CPU implementation (' + a.description + ')'
    : !/nvidia|10de/i.test(a.vendor + ' ' + a.description + ' ' + a.architecture) ? 'the adapter is not the NVIDIA GPU (' + a.vendor + ' ' + a.description + ')'
    : '';
  if (why) { console.error('gpu.sh: FAILED: no NVIDIA GPU adapter appeared: ' + why + '. Check the driver (nvidia-smi), the Vulkan ICD (' + process.env.VK_DRIVER_FILES + ') and vulkaninfo.'); process.exit(1); }
" "$ADAPTER"

# 6. The tests, then the bench suite, on the GPU.
run_tests() {
  local pkg=$1
  step "testing @rx-telemetry/$pkg on the GPU"
  local rc=0
  (cd "$ROOT/packages/$pkg" && bounded "the $pkg tests" "${RUN[@]}" "$PNPM" test) >"$LOGS/test-$pkg.log" 2>&1 || rc=$?
  local passed failed
  passed=$(grep -Eo '^ *[0-9]+ passing' "$LOGS/test-$pkg.log" | grep -Eo '[0-9]+' || echo 0)
  failed=$(grep -Eo '^ *[0-9]+ failing' "$LOGS/test-$pkg.log" | grep -Eo '[0-9]+' || echo 0)
  step "$pkg: $passed passing, $failed failing (exit $rc)"
  echo "\"$pkg\": { \"passed\": $passed, \"failed\": $failed, \"exit\": $rc }"
  return 0
}
TESTS="{ $(run_tests webgpu), $(run_tests webgpu-kernels) }"

step "pnpm bench webgpu (results: $BENCH_JSON)"
BENCH_RC=0
bounded "the webgpu bench" "${RUN[@]}" node --expose-gc "$ROOT/bench/dist/src/main.js" webgpu --out "$BENCH_JSON" >"$LOGS/bench.log" 2>&1 || BENCH_RC=$?
grep -v '^\[webgpu\]' "$LOGS/bench.log" | head -60 >&2

node -e "
  const [smi, icd, adapter, tests, bench, rc, seconds] = process.argv.slice(1);
  const out = { date: new Date().toISOString(), nvidiaSmi: smi, vulkanIcd: icd, adapter: JSON.parse(adapter), tests: JSON.parse(tests),
    bench: { results: bench, exit: Number(rc) }, seconds: Number(seconds) };
  require('node:fs').writeFileSync(process.argv[8], JSON.stringify(out, null, 1) + '\n');
" "$SMI" "$VK_DRIVER_FILES" "$ADAPTER" "$TESTS" "$BENCH_JSON" "$BENCH_RC" "$((SECONDS - START))" "$RUN_JSON"
step "wrote $RUN_JSON"

if [ -n "${GPU_SH_OUT:-}" ]; then
  mkdir -p "$GPU_SH_OUT"
  cp "$RUN_JSON" "$GPU_SH_OUT/"
  [ -f "$BENCH_JSON" ] && cp "$BENCH_JSON" "$GPU_SH_OUT/"
  tar -czf "$GPU_SH_OUT/gpu-sh-logs.tar.gz" -C "$LOGS" .
fi

FAILED_TESTS=$(node -e "const t = JSON.parse(process.argv[1]); console.log(Object.values(t).some((x) => x.failed > 0 || x.exit !== 0) ? 1 : 0)" "$TESTS")
[ "$FAILED_TESTS" = 0 ] || fail "tests failed on the GPU (logs: $LOGS)"
[ "$BENCH_RC" = 0 ] || fail "the webgpu bench failed (exit $BENCH_RC; log: $LOGS/bench.log)"
step "done in $((SECONDS - START))s"
