/**
 * `npm run test:package` (after publint): the package as a user gets it.
 *
 * 1. Packs the built `dist/` (`npm pack --ignore-scripts`: `npm test` has just
 *    built it) and checks the file list: LICENSE and README are in, no
 *    declaration maps, nothing outside `dist/` and `docs/schemas/`.
 * 2. Runs attw on the tarball (ESM-only profile).
 * 3. Installs the tarball into an empty project, offline: the project's lock
 *    file takes the versions of the checkout's `package-lock.json`, so npm
 *    needs only the tarballs that `npm ci` put into the npm cache. There, a
 *    TypeScript file importing `kubetrail` must type-check and run, and
 *    `npx kubetrail --help` must work.
 * 4. `npm link` into a scratch prefix: `kubetrail --help` from another directory.
 *
 * It never touches the network: every npm call is `--offline`, and a missing
 * cache entry stops it with a message saying to run `npm ci` first.
 *
 * Usage: `npx tsx scripts/check-package.ts`
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const OFFLINE = ['--offline', '--no-audit', '--no-fund', '--loglevel=error'];

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly [key: string]: unknown;
}

class CheckFailed extends Error {}

function step(message: string): void {
  process.stdout.write(`ok   ${message}\n`);
}

/** Runs a command; on failure, throws with its output (and the cache hint when npm had no cached copy). */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, ...env },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message;
    if (/ENOTCACHED|only-if-cached/.test(output)) {
      throw new CheckFailed(
        `\`${command} ${args.join(' ')}\` needs a package that is not in the npm cache.\n` +
          'This check installs offline, from the cache that `npm ci` fills, and never touches the network: ' +
          `run \`npm ci\` in the checkout first.\n${output}`,
      );
    }
    throw new CheckFailed(`\`${command} ${args.join(' ')}\` failed in ${cwd}:\n${output}`);
  }
}

/** Packs `dist/` as it is and checks what the tarball holds. */
function pack(dir: string): string {
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']) {
    if (!existsSync(join(ROOT, file)))
      throw new CheckFailed(`${file} is missing: run \`npm run build\` first`);
  }
  const [info] = JSON.parse(
    run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (info === undefined) throw new CheckFailed('npm pack printed no package');
  const paths = info.files.map((f) => f.path);
  for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/cli/main.js']) {
    if (!paths.includes(required)) throw new CheckFailed(`the tarball lacks ${required}`);
  }
  const maps = paths.filter((p) => p.endsWith('.d.ts.map'));
  if (maps.length > 0)
    throw new CheckFailed(`the tarball ships ${maps.length} declaration maps (${maps[0]}, …)`);
  const stray = paths.filter(
    (p) => !['LICENSE', 'README.md', 'package.json'].includes(p) && !/^(dist|docs\/schemas)\//.test(p),
  );
  if (stray.length > 0) throw new CheckFailed(`unexpected files in the tarball: ${stray.join(', ')}`);
  step(`npm pack: ${info.filename}, ${paths.length} files, LICENSE and README included, no declaration maps`);
  return join(dir, info.filename);
}

/** A lock file for a project depending on `tarball` and `@types/node`, at the checkout's locked versions. */
function consumerLock(tarball: string): { manifest: object; lock: object } {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const self = repoLock.packages[''] ?? {};
  const types = repoLock.packages['node_modules/@types/node'];
  if (types?.version === undefined) throw new CheckFailed('package-lock.json has no @types/node');
  const manifest = {
    name: 'kubetrail-consumer',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: { kubetrail: `file:${tarball}` },
    devDependencies: { '@types/node': types.version },
  };
  const packages: Record<string, LockEntry> = {
    '': manifest,
    'node_modules/kubetrail': {
      version: String(self.version),
      resolved: `file:${tarball}`,
      license: self.license,
      dependencies: self.dependencies ?? {},
      bin: self.bin,
      engines: self.engines,
    },
  };
  // The runtime tree (entries not marked dev), then @types/node and its own dependencies.
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path !== '' && entry.dev !== true && !path.startsWith('node_modules/kubetrail/'))
      packages[path] = entry;
  }
  const addDev = (name: string): void => {
    const path = `node_modules/${name}`;
    const entry = repoLock.packages[path];
    if (entry === undefined || (packages[path] !== undefined && path !== 'node_modules/@types/node')) return;
    packages[path] = { ...entry, dev: true };
    for (const dep of Object.keys(entry.dependencies ?? {})) addDev(dep);
  };
  addDev('@types/node');
  return {
    manifest,
    lock: { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages },
  };
}

const CONSUMER_TS = `import { compileQuery, isKubetrailError, query, QueryError } from 'kubetrail';
import { listDetections } from 'kubetrail/detect';
import { FUNCTIONS, QueryError as EngineQueryError } from 'kubetrail/engine';
import { classifyRecord } from 'kubetrail/schema';
import { compileToSql as sqlCompile, TABLE_MODEL_NAMES } from 'kubetrail/sql';

const result = await query('audit.ndjson', 'stats count(*) as n by verb');
const rows: readonly Record<string, unknown>[] = result.rows;
if (rows.length !== 1 || rows[0]?.n !== 1 || rows[0]?.verb !== 'get') throw new Error(JSON.stringify(rows));
try {
  compileQuery('filter strln(verb) > 3');
  throw new Error('the bad query compiled');
} catch (error) {
  if (!isKubetrailError(error) || error.code !== 'unknown_function') throw error;
  if (!(error instanceof EngineQueryError)) throw new Error('the root and kubetrail/engine have two QueryError classes');
}
// Each subpath loads and answers; the root and the subpaths share one copy of each class.
if (EngineQueryError !== QueryError) throw new Error('two QueryError classes');
if (listDetections().length < 100) throw new Error('kubetrail/detect: too few detections');
if (FUNCTIONS.length === 0) throw new Error('kubetrail/engine: no functions');
if (classifyRecord({ eventVersion: '1.08', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', eventTime: '2024-05-14T12:00:00Z' }) !== 'cloudtrail-record') throw new Error('kubetrail/schema');
if (!TABLE_MODEL_NAMES.includes('cloudtrail-athena') || !sqlCompile('stats count(*)').sql.includes('count')) throw new Error('kubetrail/sql');
process.stdout.write('consumer ok\\n');
`;

const AUDIT_LINE = JSON.stringify({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: '5a1d4a44-0000-4000-8000-000000000001',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/default/pods',
  verb: 'get',
  user: { username: 'alice' },
  sourceIPs: ['192.0.2.200'],
  objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  requestReceivedTimestamp: '2024-05-14T12:00:00.000000Z',
  stageTimestamp: '2024-05-14T12:00:00.010000Z',
});

/**
 * The type errors of the consumer's `index.ts` and of every declaration file of the installed
 * package (NodeNext, strict): what `tsc` without `skipLibCheck` reports about them. The other
 * declaration files (TypeScript's lib, `@types/node`) are loaded but not checked: checking them was
 * three quarters of this step's CPU (about 6 s of tsc, against 1.4 s with `skipLibCheck`), and
 * they are not the package's.
 */
function consumerTypeErrors(project: string): string[] {
  const main = join(project, 'index.ts');
  const program = ts.createProgram([main], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    types: ['node'],
  });
  const ours = program
    .getSourceFiles()
    .filter((f) => f.fileName === main || f.fileName.includes('/node_modules/kubetrail/'));
  if (!ours.some((f) => f.fileName.endsWith('/node_modules/kubetrail/dist/index.d.ts')))
    throw new CheckFailed("the consumer program does not load the package's dist/index.d.ts");
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  return diagnostics.map((d) => {
    const at =
      d.file !== undefined && d.start !== undefined
        ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
        : '';
    return `${at}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** Installs the tarball into an empty project and uses it there as a user would. */
async function consume(dir: string, tarball: string): Promise<void> {
  const project = join(dir, 'consumer');
  mkdirSync(project);
  const { manifest, lock } = consumerLock(tarball);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  run(NPM, ['ci', ...OFFLINE], project);
  step('npm ci --offline of the tarball into an empty project');

  writeFileSync(join(project, 'audit.ndjson'), `${AUDIT_LINE}\n`);
  writeFileSync(join(project, 'index.ts'), CONSUMER_TS);
  const typeErrors = consumerTypeErrors(project);
  if (typeErrors.length > 0)
    throw new CheckFailed(`the consumer program does not type-check:\n${typeErrors.join('\n')}`);
  step(
    "import from 'kubetrail' and its subpaths type-checks (NodeNext, strict; the package's declarations checked too, as without skipLibCheck)",
  );
  const { code } = await transform(CONSUMER_TS, { loader: 'ts', format: 'esm', target: 'node20' });
  writeFileSync(join(project, 'index.mjs'), code);
  const out = run(process.execPath, ['index.mjs'], project);
  if (!out.includes('consumer ok')) throw new CheckFailed(`the consumer program printed: ${out}`);
  step(
    "import from 'kubetrail' and kubetrail/{schema,detect,sql,engine} runs: a query over an NDJSON file, a typed query error, one class per error across subpaths",
  );

  const help = run('npx', ['--offline', 'kubetrail', '--help'], project);
  if (!/kubetrail <command>/.test(help)) throw new CheckFailed(`npx kubetrail --help printed:\n${help}`);
  step('npx kubetrail --help in the project');
}

/** `npm link` into a scratch prefix, then `kubetrail --help` from elsewhere. */
function link(dir: string): void {
  const prefix = join(dir, 'global');
  mkdirSync(join(prefix, 'lib'), { recursive: true });
  run(NPM, ['link', '--ignore-scripts', ...OFFLINE], ROOT, { npm_config_prefix: prefix });
  const bin = join(prefix, process.platform === 'win32' ? 'kubetrail.cmd' : 'bin/kubetrail');
  const help = run(bin, ['--help'], dir);
  if (!/kubetrail <command>/.test(help)) throw new CheckFailed(`kubetrail --help printed:\n${help}`);
  step('npm link (into a scratch prefix): kubetrail --help from another directory');
}

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-package-'));
try {
  const tarball = pack(dir);
  run(
    process.execPath,
    [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only'],
    ROOT,
  );
  step('attw --profile esm-only on the tarball');
  await consume(dir, tarball);
  link(dir);
} catch (error) {
  process.stderr.write(`FAIL ${error instanceof CheckFailed ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
