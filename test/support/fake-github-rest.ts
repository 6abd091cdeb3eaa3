import type { Call, Reply } from './fake-github-http.js';
import { json, notFound, paginate, parseJson, validationFailed } from './fake-github-http.js';
import type {
  ArtifactRecord,
  CommentRecord,
  FakeState,
  PullRecord,
  RepoRecord,
  RunRecord,
  TokenIdentity,
  UserRecord,
} from './fake-github-state.js';

// The REST endpoints perfgate uses, answering with the fields real GitHub sends
// (a realistic subset), so Octokit and @actions/artifact work unchanged.

export interface RestContext {
  state: FakeState;
  /** http://127.0.0.1:PORT */
  apiUrl: string;
  /** Base of html_url links, e.g. https://github.com */
  serverUrl: string;
  /** Signed blob URL that serves an artifact's zip. */
  blobDownloadUrl(artifact: ArtifactRecord): string;
  /** Who the token of this call acts as: the author of what it writes. */
  viewer: TokenIdentity;
}

/** GitHub refuses comment bodies longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65_536;

type Handler = (call: Call, ctx: RestContext, repo: RepoRecord, params: string[]) => Reply;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const routes: Route[] = [
  { method: 'GET', pattern: /^$/, handler: (_c, ctx, repo) => json(200, repoJson(ctx, repo)) },
  { method: 'GET', pattern: /^\/actions\/artifacts$/, handler: listRepoArtifacts },
  { method: 'GET', pattern: /^\/actions\/artifacts\/(\d+)$/, handler: getArtifact },
  { method: 'DELETE', pattern: /^\/actions\/artifacts\/(\d+)$/, handler: deleteArtifact },
  { method: 'GET', pattern: /^\/actions\/artifacts\/(\d+)\/([^/]+)$/, handler: downloadArtifact },
  { method: 'GET', pattern: /^\/actions\/runs\/(\d+)$/, handler: getRun },
  { method: 'GET', pattern: /^\/actions\/runs\/(\d+)\/artifacts$/, handler: listRunArtifacts },
  { method: 'GET', pattern: /^\/issues\/(\d+)\/comments$/, handler: listComments },
  { method: 'POST', pattern: /^\/issues\/(\d+)\/comments$/, handler: createComment },
  { method: 'GET', pattern: /^\/issues\/comments\/(\d+)$/, handler: getComment },
  { method: 'PATCH', pattern: /^\/issues\/comments\/(\d+)$/, handler: updateComment },
  { method: 'DELETE', pattern: /^\/issues\/comments\/(\d+)$/, handler: deleteComment },
  { method: 'GET', pattern: /^\/issues\/(\d+)\/labels$/, handler: listLabels },
  { method: 'GET', pattern: /^\/pulls\/(\d+)$/, handler: getPull },
  { method: 'GET', pattern: /^\/branches\/([^/]+)$/, handler: getBranch },
];

/** Answers a REST call, or returns undefined when no route matches. */
export function handleRest(call: Call, ctx: RestContext): Reply | undefined {
  if (call.url.pathname === '/user' && call.method === 'GET') return authenticatedUser(ctx);
  if (call.url.pathname === '/graphql' && call.method === 'POST') return graphql(call, ctx);
  const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(call.url.pathname);
  if (!match) return undefined;
  const [, owner = '', name = '', rest = ''] = match;
  const route = routes.find((r) => r.method === call.method && r.pattern.test(rest));
  if (!route) return undefined;
  const repo = ctx.state.repoByName(decodeURIComponent(owner), decodeURIComponent(name));
  if (!repo) return notFound();
  const params = (route.pattern.exec(rest) ?? []).slice(1);
  return route.handler(call, ctx, repo, params);
}

function num(value: string | undefined): number {
  return Number(value ?? Number.NaN);
}

// ---- repositories and users ----

function userJson(ctx: RestContext, user: UserRecord): Record<string, unknown> {
  return {
    login: user.login,
    id: user.id,
    node_id: `MDQ6VXNlcj${user.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    url: `${ctx.apiUrl}/users/${encodeURIComponent(user.login)}`,
    html_url: `${ctx.serverUrl}/${user.login}`,
    type: user.type,
    site_admin: false,
  };
}

/** GitHub refuses `GET /user` to installation tokens (GITHUB_TOKEN, an app's token). */
function authenticatedUser(ctx: RestContext): Reply {
  if (ctx.viewer.installation) {
    return json(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
      status: '403',
    });
  }
  return json(200, { ...userJson(ctx, ctx.viewer.user), name: null, email: null });
}

/**
 * GraphQL, as far as `viewer` goes: it answers every kind of token, installation tokens with their
 * bot. Only the requested fields are answered; anything else is a GraphQL error (HTTP 200, as
 * GitHub answers them).
 */
function graphql(call: Call, ctx: RestContext): Reply {
  const query = (parseJson(call.body) as { query?: unknown } | undefined)?.query;
  const viewer = typeof query === 'string' ? /^\s*(?:query\s*\w*\s*)?\{\s*viewer\s*\{([^{}]*)\}\s*\}\s*$/.exec(query) : null;
  if (!viewer) return json(200, { errors: [{ message: 'the fake GitHub answers only `query { viewer { ... } }`' }] });
  const known: Record<string, unknown> = { login: ctx.viewer.user.login, databaseId: ctx.viewer.user.id };
  const fields = (viewer[1] ?? '').split(/[\s,]+/).filter(Boolean);
  const unknown = fields.filter((f) => !(f in known));
  if (unknown.length > 0) {
    return json(200, { errors: unknown.map((f) => ({ message: `Field '${f}' doesn't exist on type 'User'`, path: ['query', 'viewer', f] })) });
  }
  return json(200, { data: { viewer: Object.fromEntries(fields.map((f) => [f, known[f]])) } });
}

function ownerJson(ctx: RestContext, repo: RepoRecord): Record<string, unknown> {
  return userJson(ctx, { login: repo.owner, id: repo.id + 1_000_000, type: 'User' });
}

function repoJson(ctx: RestContext, repo: RepoRecord): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id,
    node_id: `R_kgDO${repo.id}`,
    name: repo.name,
    full_name: full,
    private: false,
    owner: ownerJson(ctx, repo),
    html_url: `${ctx.serverUrl}/${full}`,
    description: null,
    fork: repo.fork,
    url: `${ctx.apiUrl}/repos/${full}`,
    default_branch: repo.defaultBranch,
    visibility: 'public',
    archived: false,
    disabled: false,
  };
}

/** A repository the state does not know (a fork id used only in a run): a minimal stand-in. */
function repoJsonById(ctx: RestContext, id: number): Record<string, unknown> {
  const repo = ctx.state.repoById(id);
  if (repo) return repoJson(ctx, repo);
  return repoJson(ctx, { id, owner: 'unknown-owner', name: `repo-${id}`, defaultBranch: 'main', fork: true });
}

// ---- artifacts and runs ----

function artifactJson(ctx: RestContext, repo: RepoRecord, a: ArtifactRecord): Record<string, unknown> {
  const base = `${ctx.apiUrl}/repos/${repo.owner}/${repo.name}/actions/artifacts/${a.id}`;
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.sizeInBytes,
    url: base,
    archive_download_url: `${base}/zip`,
    expired: ctx.state.isExpired(a),
    digest: a.digest,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    expires_at: a.expiresAt,
    workflow_run: {
      id: a.workflowRun.id,
      repository_id: a.workflowRun.repositoryId,
      head_repository_id: a.workflowRun.headRepositoryId,
      head_branch: a.workflowRun.headBranch,
      head_sha: a.workflowRun.headSha,
    },
  };
}

function artifactList(call: Call, ctx: RestContext, repo: RepoRecord, all: ArtifactRecord[]): Reply {
  const name = call.url.searchParams.get('name');
  const matching = name === null ? all : all.filter((a) => a.name === name);
  const page = paginate(matching, call, ctx.apiUrl);
  return json(
    200,
    { total_count: matching.length, artifacts: page.items.map((a) => artifactJson(ctx, repo, a)) },
    page.link ? { link: page.link } : {},
  );
}

function listRepoArtifacts(call: Call, ctx: RestContext, repo: RepoRecord): Reply {
  return artifactList(call, ctx, repo, ctx.state.artifactsOf(repo.id));
}

function listRunArtifacts(call: Call, ctx: RestContext, repo: RepoRecord, [runId]: string[]): Reply {
  const run = ctx.state.runById(num(runId));
  if (!run || run.repositoryId !== repo.id) return notFound();
  const all = ctx.state.artifactsOf(repo.id).filter((a) => a.workflowRun.id === run.id);
  return artifactList(call, ctx, repo, all);
}

function repoArtifact(ctx: RestContext, repo: RepoRecord, id: string | undefined): ArtifactRecord | undefined {
  const artifact = ctx.state.artifactById(num(id));
  return artifact && artifact.repositoryId === repo.id ? artifact : undefined;
}

function getArtifact(_call: Call, ctx: RestContext, repo: RepoRecord, [id]: string[]): Reply {
  const artifact = repoArtifact(ctx, repo, id);
  return artifact ? json(200, artifactJson(ctx, repo, artifact)) : notFound();
}

function deleteArtifact(_call: Call, ctx: RestContext, repo: RepoRecord, [id]: string[]): Reply {
  const artifact = repoArtifact(ctx, repo, id);
  if (!artifact) return notFound();
  ctx.state.artifacts.splice(ctx.state.artifacts.indexOf(artifact), 1);
  return { status: 204 };
}

function downloadArtifact(_call: Call, ctx: RestContext, repo: RepoRecord, [id, format]: string[]): Reply {
  const artifact = repoArtifact(ctx, repo, id);
  if (!artifact || format !== 'zip') return notFound();
  if (ctx.state.isExpired(artifact)) {
    return json(410, {
      message: 'Artifact has expired',
      documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact',
      status: '410',
    });
  }
  // Real GitHub answers with a redirect to a short-lived signed blob URL.
  return { status: 302, headers: { location: ctx.blobDownloadUrl(artifact), 'content-length': '0' } };
}

function runJson(ctx: RestContext, repo: RepoRecord, run: RunRecord): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: run.id,
    name: 'perf',
    node_id: `WFR_kwLO${run.id}`,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: '.github/workflows/perf.yml',
    display_title: 'perf',
    run_number: run.id % 1000,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: 161335,
    url: `${ctx.apiUrl}/repos/${full}/actions/runs/${run.id}`,
    html_url: `${ctx.serverUrl}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.runStartedAt,
    run_attempt: run.runAttempt,
    run_started_at: run.runStartedAt,
    actor: userJson(ctx, { login: 'octocat', id: 583231, type: 'User' }),
    head_commit: { id: run.headSha, tree_id: run.headSha, message: 'commit', timestamp: run.createdAt },
    repository: repoJson(ctx, repo),
    head_repository: repoJsonById(ctx, run.headRepositoryId),
  };
}

function getRun(_call: Call, ctx: RestContext, repo: RepoRecord, [id]: string[]): Reply {
  const run = ctx.state.runById(num(id));
  return run && run.repositoryId === repo.id ? json(200, runJson(ctx, repo, run)) : notFound();
}

// ---- comments, labels and pull requests ----

function commentJson(ctx: RestContext, repo: RepoRecord, c: CommentRecord): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const kind = ctx.state.pull(repo.id, c.issueNumber) ? 'pull' : 'issues';
  return {
    url: `${ctx.apiUrl}/repos/${full}/issues/comments/${c.id}`,
    html_url: `${ctx.serverUrl}/${full}/${kind}/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${ctx.apiUrl}/repos/${full}/issues/${c.issueNumber}`,
    id: c.id,
    node_id: `IC_kwDO${c.id}`,
    user: userJson(ctx, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    body: c.body,
    performed_via_github_app: null,
  };
}

/** Comments may be listed and created on pull requests the state knows. */
function knownIssue(ctx: RestContext, repo: RepoRecord, number: string | undefined): PullRecord | undefined {
  return ctx.state.pull(repo.id, num(number));
}

function listComments(call: Call, ctx: RestContext, repo: RepoRecord, [number]: string[]): Reply {
  if (!knownIssue(ctx, repo, number)) return notFound();
  const page = paginate(ctx.state.commentsOf(repo.id, num(number)), call, ctx.apiUrl);
  return json(
    200,
    page.items.map((c) => commentJson(ctx, repo, c)),
    page.link ? { link: page.link } : {},
  );
}

function commentBody(call: Call): string | Reply {
  const parsed = parseJson(call.body) as { body?: unknown } | undefined;
  if (typeof parsed?.body !== 'string') {
    return json(422, {
      message: 'Invalid request.\n\n"body" wasn\'t supplied.',
      documentation_url: 'https://docs.github.com/rest/issues/comments',
      status: '422',
    });
  }
  // GitHub counts characters, not bytes.
  if ([...parsed.body].length > MAX_COMMENT_LENGTH) {
    return validationFailed(`Body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`);
  }
  return parsed.body;
}

function createComment(call: Call, ctx: RestContext, repo: RepoRecord, [number]: string[]): Reply {
  if (!knownIssue(ctx, repo, number)) return notFound();
  const body = commentBody(call);
  if (typeof body !== 'string') return body;
  const comment = ctx.state.addComment(repo.id, num(number), { body, user: ctx.viewer.user });
  const location = `${ctx.apiUrl}/repos/${repo.owner}/${repo.name}/issues/comments/${comment.id}`;
  return json(201, commentJson(ctx, repo, comment), { location });
}

function getComment(_call: Call, ctx: RestContext, repo: RepoRecord, [id]: string[]): Reply {
  const comment = ctx.state.commentById(repo.id, num(id));
  return comment ? json(200, commentJson(ctx, repo, comment)) : notFound();
}

function updateComment(call: Call, ctx: RestContext, repo: RepoRecord, [id]: string[]): Reply {
  const comment = ctx.state.commentById(repo.id, num(id));
  if (!comment) return notFound();
  const body = commentBody(call);
  if (typeof body !== 'string') return body;
  ctx.state.updateComment(comment, body);
  return json(200, commentJson(ctx, repo, comment));
}

function deleteComment(_call: Call, ctx: RestContext, repo: RepoRecord, [id]: string[]): Reply {
  const comment = ctx.state.commentById(repo.id, num(id));
  if (!comment) return notFound();
  ctx.state.comments.splice(ctx.state.comments.indexOf(comment), 1);
  return { status: 204 };
}

function labelJson(ctx: RestContext, repo: RepoRecord, name: string): Record<string, unknown> {
  const id = ctx.state.labelId(name);
  return {
    id,
    node_id: `LA_kwDO${id}`,
    url: `${ctx.apiUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

function listLabels(call: Call, ctx: RestContext, repo: RepoRecord, [number]: string[]): Reply {
  const pull = knownIssue(ctx, repo, number);
  if (!pull) return notFound();
  const page = paginate(pull.labels, call, ctx.apiUrl);
  return json(
    200,
    page.items.map((name) => labelJson(ctx, repo, name)),
    page.link ? { link: page.link } : {},
  );
}

function getPull(_call: Call, ctx: RestContext, repo: RepoRecord, [number]: string[]): Reply {
  const pull = knownIssue(ctx, repo, number);
  if (!pull) return notFound();
  const full = `${repo.owner}/${repo.name}`;
  const headRepo = repoJsonById(ctx, pull.headRepositoryId);
  const headOwner = (headRepo.owner as { login: string }).login;
  return json(200, {
    url: `${ctx.apiUrl}/repos/${full}/pulls/${pull.number}`,
    id: 1_000_000 + pull.number,
    node_id: `PR_kwDO${pull.number}`,
    html_url: `${ctx.serverUrl}/${full}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(ctx, pull.user),
    body: null,
    labels: pull.labels.map((name) => labelJson(ctx, repo, name)),
    draft: false,
    merged: false,
    head: {
      label: `${headOwner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: headRepo.owner,
      repo: headRepo,
    },
    base: {
      label: `${repo.owner}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: pull.baseSha,
      user: ownerJson(ctx, repo),
      repo: repoJson(ctx, repo),
    },
    author_association: 'CONTRIBUTOR',
  });
}

// ---- branches ----

function getBranch(_call: Call, ctx: RestContext, repo: RepoRecord, [encoded]: string[]): Reply {
  const name = decodeURIComponent(encoded ?? '');
  const sha = ctx.state.branchTip(repo.id, name);
  if (!sha) return json(404, { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch', status: '404' });
  const full = `${repo.owner}/${repo.name}`;
  return json(200, {
    name,
    commit: { sha, url: `${ctx.apiUrl}/repos/${full}/commits/${sha}` },
    protected: false,
    _links: { self: `${ctx.apiUrl}/repos/${full}/branches/${encodeURIComponent(name)}`, html: `${ctx.serverUrl}/${full}/tree/${name}` },
  });
}
