import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Script, createContext } from 'node:vm';
import ts from 'typescript';
import * as encoding from './k6-shim/encoding';
import * as http from './k6-shim/http';
import * as k6 from './k6-shim/k6';
import * as metrics from './k6-shim/metrics';
import * as timers from './k6-shim/timers';

/**
 * Loads a k6 scenario (TypeScript, ES modules) for the Node runner: each local file is transpiled once to
 * CommonJS; every VU then runs the modules in its own V8 context, as k6 gives every VU its own runtime,
 * so module state and the globals `__VU`, `__ITER`, `__ENV`, `open` are the VU's own. `k6`, `k6/http`,
 * `k6/metrics`, `k6/execution`, `k6/encoding` and `k6/timers` resolve to the shims.
 */
export interface CompiledScenario {
  entry: string;
  modules: Map<string, Script>;
}

const SHIMS: Record<string, unknown> = {
  k6,
  'k6/http': http,
  'k6/metrics': metrics,
  'k6/encoding': encoding,
  'k6/timers': timers,
};

const LOCAL_REQUIRE = /require\("(\.{1,2}\/[^"]+)"\)/g;

export function compileScenario(file: string): CompiledScenario {
  const entry = resolve(file);
  const modules = new Map<string, Script>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (modules.has(path)) continue;
    const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
      fileName: path,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    const wrapped = `(function (exports, require, module) {${outputText}\n})`;
    modules.set(path, new Script(wrapped, { filename: path }));
    for (const match of outputText.matchAll(LOCAL_REQUIRE)) pending.push(resolve(dirname(path), match[1]));
  }
  return { entry, modules };
}

/** What the VU's `k6/execution` tells. */
export interface VuState {
  id: number;
  iteration: number;
  scenario: string;
}

export interface LoadedVu {
  state: VuState;
  exports: Record<string, unknown>;
  /** Sets `__ITER` (and k6/execution's counters) before an iteration. */
  setIteration(iteration: number): void;
}

const openCache = new Map<string, Buffer>();

/** k6's `open`: a file's text, or its bytes with `'b'` (read once, shared read-only by every VU). */
function openFile(baseDir: string, path: string, mode?: string): string | ArrayBuffer {
  const full = resolve(baseDir, path);
  let bytes = openCache.get(full);
  if (!bytes) {
    bytes = readFileSync(full);
    openCache.set(full, bytes);
  }
  if (mode === 'b')
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return bytes.toString('utf8');
}

export function clearOpenCache(): void {
  openCache.clear();
}

export function loadVu(compiled: CompiledScenario, state: VuState, env: Record<string, string>): LoadedVu {
  const baseDir = dirname(compiled.entry);
  const context = createContext({
    __ENV: { ...env },
    __VU: state.id,
    __ITER: 0,
    open: (path: string, mode?: string) => openFile(baseDir, path, mode),
    console,
    crypto: globalThis.crypto,
    // This realm's binary types: Node's WebCrypto and https accept only their own realm's.
    ArrayBuffer,
    Uint8Array,
    DataView,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
  });
  const execution = {
    vu: {
      get idInTest() {
        return state.id;
      },
      get iterationInScenario() {
        return state.iteration;
      },
      get iterationInInstance() {
        return state.iteration;
      },
    },
    scenario: {
      get name() {
        return state.scenario;
      },
    },
  };
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  const requireFrom =
    (from: string) =>
    (specifier: string): unknown => {
      if (specifier === 'k6/execution') return { __esModule: true, default: execution, ...execution };
      if (specifier in SHIMS) {
        const shim = SHIMS[specifier] as { default?: unknown };
        return { __esModule: true, ...shim, default: shim.default ?? shim };
      }
      if (!specifier.startsWith('.')) {
        throw new Error(`${from}: the Node runner has no shim for "${specifier}"`);
      }
      return requireModule(resolve(dirname(from), specifier));
    };
  const requireModule = (path: string): Record<string, unknown> => {
    const cached = cache.get(path);
    if (cached) return cached.exports;
    const script = compiled.modules.get(path);
    if (!script) throw new Error(`module ${path} was not compiled`);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(path, module);
    const factory = script.runInContext(context) as (
      exports: unknown,
      require: (specifier: string) => unknown,
      module: unknown,
    ) => void;
    factory(module.exports, requireFrom(path), module);
    return module.exports;
  };
  const exports = requireModule(compiled.entry);
  return {
    state,
    exports,
    setIteration: (iteration) => {
      state.iteration = iteration;
      context.__ITER = iteration;
    },
  };
}
