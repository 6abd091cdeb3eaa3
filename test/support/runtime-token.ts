// ACTIONS_RUNTIME_TOKEN is a JWT; @actions/artifact decodes it without checking
// the signature and takes the run and job ids from the `scp` claim
// `Actions.Results:<runId>:<jobId>`, not from GITHUB_RUN_ID.

export interface RuntimeScope {
  runId: string;
  jobId: string;
}

function base64url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

/** An unsigned JWT carrying the Actions.Results scope for one run and job. */
export function makeRuntimeToken(runId: number | string, jobId: number | string = 1): string {
  const header = base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runId}:${jobId}`,
      iss: 'fake-github',
    }),
  );
  // jwt-decode only needs three dot-separated parts; the signature is never checked.
  return `${header}.${claims}.${base64url('unsigned')}`;
}

/** The run and job of a runtime token, or undefined if it is not one. */
export function parseRuntimeToken(token: string): RuntimeScope | undefined {
  const claimsPart = token.split('.')[1];
  if (claimsPart === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const scp = (claims as { scp?: unknown }).scp;
  if (typeof scp !== 'string') return undefined;
  for (const scope of scp.split(' ')) {
    const parts = scope.split(':');
    if (parts[0] === 'Actions.Results' && parts.length === 3 && parts[1] && parts[2]) {
      return { runId: parts[1], jobId: parts[2] };
    }
  }
  return undefined;
}
