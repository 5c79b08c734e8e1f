/**
 * The `yaml` package, loaded on first use (detection files, allow-lists and
 * Sigma rules read YAML; most programs never do).
 *
 * @module
 */
import { InternalError } from '../errors.js';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;

/**
 * The `yaml` package, loaded on first use: most programs never read YAML,
 * and loading it was a quarter of the time to import kubetrail. It is
 * loaded through Node's `process.getBuiltinModule`, so this layer imports
 * nothing from `node:`; where there is no Node (a browser bundle), it
 * throws, and YAML detections fail with `detection_parse_error` while JSON
 * ones work.
 *
 * @internal
 */
export function loadYamlModule(): YamlModule {
  if (yamlModule === undefined) {
    const nodeModule = (
      globalThis as {
        process?: { getBuiltinModule?: (id: 'module') => typeof import('node:module') | undefined };
      }
    ).process?.getBuiltinModule?.('module');
    if (nodeModule === undefined)
      throw new InternalError('runtime_unsupported', 'YAML detections need Node.js 20.16 or later; use JSON');
    yamlModule = nodeModule.createRequire(import.meta.url)('yaml') as YamlModule;
  }
  return yamlModule;
}
