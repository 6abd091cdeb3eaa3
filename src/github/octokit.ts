import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/**
 * An Octokit with retries (5xx, network errors) and rate-limit handling. The same client serves the
 * action and the CLI; GitHub's API answers 502s and secondary rate limits often enough that a gate
 * without retries fails for reasons that have nothing to do with the code under test.
 */
export function createRestClient(opts: { token: string; baseUrl?: string; log?: (msg: string) => void; retryAfterBaseValue?: number }): Octokit {
  const Client = Octokit.plugin(retry, throttling);
  const log = opts.log ?? (() => {});
  return new Client({
    auth: opts.token,
    baseUrl: opts.baseUrl ?? 'https://api.github.com',
    userAgent: 'perfgate',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
    retry: { retries: 3, retryAfterBaseValue: opts.retryAfterBaseValue ?? 1000 },
    throttle: {
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        log(`GitHub rate limit hit for ${options.method} ${options.url}; retrying in ${retryAfter}s`);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        log(`GitHub secondary rate limit hit for ${options.method} ${options.url}; retrying in ${retryAfter}s`);
        return retryCount < 2;
      },
    },
  });
}
