import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/**
 * The REST client of the action and the CLI: @actions/github's Octokit, with retries (5xx, network
 * errors) and rate-limit handling. GitHub's API answers 502s and secondary rate limits often enough
 * that a gate without retries fails for reasons that have nothing to do with the code under test.
 *
 * @actions/github takes the base URL from GITHUB_API_URL (GitHub Enterprise Server sets it) and sends
 * requests through the runner's proxy (`https_proxy`, `no_proxy`), which self-hosted runners behind a
 * proxy need. It reads both when it is imported, so the process environment decides them, not a
 * parameter here.
 */
export function createRestClient(opts: { token: string; log?: (msg: string) => void; retryAfterBaseValue?: number }) {
  const log = opts.log ?? (() => {});
  return getOctokit(
    opts.token,
    {
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
    },
    retry,
    throttling,
  );
}
