import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import type { VariantTarget } from '../measure/measure.js';

/** The head variant: the service as configured (or none, when it already runs), load to the configured URLs. */
export function headVariant(config: Config, cwd: string, commit: string | null = null): VariantTarget {
  const svc = config.service;
  return {
    name: 'head',
    commit,
    service: svc
      ? {
          name: 'head',
          command: svc.start,
          cwd: resolve(cwd, svc.cwd),
          env: svc.env,
          port: svc.port,
          ready: svc.ready,
          logFile: resolve(cwd, '.perfgate', 'logs', `${config.suite}-head.log`),
        }
      : null,
    urlFor: (scenario) => scenario.url,
  };
}
