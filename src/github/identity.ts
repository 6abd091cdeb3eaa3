import type { RestClient } from '../baseline/artifact-store.js';

/** The account GITHUB_TOKEN writes as. */
export const GITHUB_ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/**
 * The login GitHub shows as the author of what this token writes: the user of a personal access
 * token, `<app>[bot]` for a GitHub App's installation token, github-actions[bot] for GITHUB_TOKEN.
 *
 * GraphQL's `viewer` answers all three. `GET /user` answers only a personal token: it refuses
 * installation tokens with 403 ("Resource not accessible by integration"), and `GET /app` needs
 * the app's own JWT. So `GET /user` is the fallback where GraphQL is not at the REST base
 * (GitHub Enterprise Server serves it at /api/graphql, not /api/v3/graphql), and its 403 is read as
 * GITHUB_TOKEN, the usual installation token: should it be another app's, perfgate does not
 * recognise its own comment and writes a new one, but never edits anyone else's.
 */
export async function tokenLogin(rest: RestClient): Promise<string> {
  let graphqlProblem: string;
  try {
    const { data } = await rest.request('POST /graphql', { query: 'query { viewer { login } }' });
    const login = (data as { data?: { viewer?: { login?: unknown } | null } | null }).data?.viewer?.login;
    if (typeof login === 'string' && login !== '') return login;
    graphqlProblem = 'GraphQL named no viewer';
  } catch (e) {
    graphqlProblem = (e as Error).message;
  }
  try {
    const { data } = await rest.request('GET /user');
    const login = (data as { login?: unknown }).login;
    if (typeof login === 'string' && login !== '') return login;
    throw new Error('GET /user named no login');
  } catch (e) {
    if ((e as { status?: unknown }).status === 403) return GITHUB_ACTIONS_BOT_LOGIN;
    throw new Error(`could not tell which account the token acts as (${graphqlProblem}; ${(e as Error).message})`);
  }
}
