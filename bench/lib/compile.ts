import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * The bench's own servers, bench/reference-server.ts and bench/references/*.ts, as plain
 * JavaScript under `outDir` (same relative paths, `.js`), so that sibling imports still resolve.
 * No ts-node, and its compiler, in a measured process: with ts-node's compiler in its heap the
 * reference spent up to a fifth more CPU per response, which would have flattered every ratio.
 * The compiled files find their packages through NODE_PATH. Returns the path of each compiled
 * file by its source's path relative to bench/ (`references/bare.ts` → `<outDir>/references/bare.js`).
 */
export function compileBenchServers(benchDir: string, outDir: string): (source: string) => string {
  const sources = [
    'reference-server.ts',
    ...readdirSync(join(benchDir, 'references'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join('references', file)),
  ];
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    // Nest's decorators, and the constructor parameter types its injector reads.
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
  };
  for (const source of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(benchDir, source), 'utf8'), { compilerOptions });
    const target = join(outDir, source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return (source) => {
    if (!sources.includes(source)) throw new Error(`bench/${source} is not one of the bench's servers`);
    return join(outDir, source.replace(/\.ts$/, '.js'));
  };
}
