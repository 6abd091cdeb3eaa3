import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArtifactService, BLOB_PREFIX, TWIRP_PREFIX } from './fake-github-artifacts.js';
import type { FinalizedUpload } from './fake-github-artifacts.js';
import type { Call, Reply } from './fake-github-http.js';
import { json, notFound, restHeaders } from './fake-github-http.js';
import { handleRest } from './fake-github-rest.js';
import type {
  AddArtifactInput,
  AddCommentInput,
  AddPullInput,
  AddRepoInput,
  AddRunInput,
  ArtifactRecord,
  CommentRecord,
  PullRecord,
  RepoRecord,
  RunRecord,
  TokenIdentity,
  UserRecord,
} from './fake-github-state.js';
import { BOT_USER, FakeState } from './fake-github-state.js';
import { makeRuntimeToken, parseRuntimeToken } from './runtime-token.js';
import { readZip } from './zip.js';

// A local stand-in for GitHub: the REST API, the artifact results service and
// its blob store on one node:http server on 127.0.0.1, so the real clients
// (@actions/artifact, @actions/github, @octokit/rest) run unchanged against it.

export type {
  AddArtifactInput,
  AddCommentInput,
  AddPullInput,
  AddRepoInput,
  AddRunInput,
  ArtifactRecord,
  CommentRecord,
  FinalizedUpload,
  PullRecord,
  RepoRecord,
  RunRecord,
  TokenIdentity,
  UserRecord,
};
export { BOT_USER, HUMAN_USER } from './fake-github-state.js';
export { makeRuntimeToken, parseRuntimeToken } from './runtime-token.js';
export { createZip, readZip } from './zip.js';

export interface FakeGitHubOptions {
  /** The main repository as "owner/name"; default "octo-org/service". */
  repository?: string;
  repositoryId?: number;
  defaultBranch?: string;
  /** The token REST clients must present; default a fresh random ghs_ token. It acts as github-actions[bot], like GITHUB_TOKEN. */
  token?: string;
  /** Base of html_url links; default https://github.com. */
  serverUrl?: string;
  /** Clock for created_at and expiry; default the real time. */
  now?: () => Date;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Status answered; 0 until the answer is written. */
  status: number;
  /** The answer came from an injected fault. */
  injected: boolean;
  kind: 'rest' | 'twirp' | 'blob' | 'other';
}

export type RequestMatcher =
  | { method?: string; path?: string | RegExp; kind?: RecordedRequest['kind'] }
  | ((request: RecordedRequest) => boolean);

export interface Fault {
  status: number;
  /** How many matching requests fail; default 1, Infinity for all. */
  times?: number;
  /** Default: a JSON message naming the injected status. Objects are sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FaultHandle {
  /** Matching requests still to fail. */
  readonly remaining: number;
  /** Requests that did fail. */
  readonly hits: number;
  cancel(): void;
}

export interface ClientEnvOptions {
  runId: number;
  jobId?: number | string;
}

export interface FakeGitHub {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly token: string;
  /** The main repository. */
  readonly repo: RepoRecord;
  readonly serverUrl: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Finalized artifact uploads, with what the client declared (size, hash, mime type). */
  readonly uploads: FinalizedUpload[];
  readonly state: FakeState;

  /**
   * Environment for processes using the real clients: API and results URLs, a
   * runtime token for the run, GITHUB_SERVER_URL and NO_PROXY for loopback.
   */
  clientEnv(opts: ClientEnvOptions): Record<string, string>;

  addRepo(input: AddRepoInput): RepoRecord;
  addRun(input?: AddRunInput): RunRecord;
  addArtifact(input: AddArtifactInput): ArtifactRecord;
  addPull(input: AddPullInput): PullRecord;
  addComment(prNumber: number, input: AddCommentInput): CommentRecord;
  setLabels(prNumber: number, labels: string[]): void;
  /** Sets the tip of a branch of the main repository (GET .../branches/{branch}). */
  setBranch(name: string, sha: string): void;
  /**
   * Another token the API accepts, acting as `user`: an installation token (ghs_, like a GitHub
   * App's) when `installation` is true, else a personal access token (ghp_). Returns the token.
   */
  addToken(user: UserRecord, opts?: { installation?: boolean }): string;
  /** "Re-run jobs" of a run: the next attempt, started now; artifacts of earlier attempts stay. */
  rerun(runId: number): RunRecord;

  /** Comments on a pull request of the main repository, oldest first. */
  comments(prNumber: number): CommentRecord[];
  /** Artifacts of the main repository, newest first, optionally by name. */
  artifacts(name?: string): ArtifactRecord[];
  /** The files inside an artifact's zip. */
  artifactFiles(artifactId: number): Record<string, Buffer>;
  runs(): RunRecord[];
  pull(prNumber: number): PullRecord | undefined;

  /** Makes matching requests fail with a status (before authentication and routing). */
  fail(matcher: RequestMatcher, fault: Fault): FaultHandle;
  /** Requests that matched no route: a client asked for something the fake does not speak. */
  unhandled(): RecordedRequest[];
  close(): Promise<void>;
}

interface ActiveFault {
  matcher: RequestMatcher;
  fault: Fault;
  remaining: number;
  hits: number;
}

function matches(matcher: RequestMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === 'function') return matcher(request);
  if (matcher.method && matcher.method.toUpperCase() !== request.method) return false;
  if (matcher.kind && matcher.kind !== request.kind) return false;
  if (typeof matcher.path === 'string' && matcher.path !== request.path) return false;
  if (matcher.path instanceof RegExp && !matcher.path.test(request.path)) return false;
  return true;
}

function kindOf(path: string): RecordedRequest['kind'] {
  if (path.startsWith(TWIRP_PREFIX)) return 'twirp';
  if (path.startsWith(BLOB_PREFIX)) return 'blob';
  if (path.startsWith('/repos/') || path === '/user' || path === '/graphql') return 'rest';
  return 'other';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, reply: Reply): void {
  let payload: Buffer | undefined;
  if (reply.body === undefined) payload = undefined;
  else if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string') payload = Buffer.from(reply.body, 'utf8');
  else payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
  const headers: Record<string, string> = {
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
    ...reply.headers,
  };
  headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (!auth) return undefined;
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(auth.trim());
  return match?.[1];
}

function injectedReply(request: RecordedRequest, fault: Fault): Reply {
  const defaultBody =
    request.kind === 'twirp'
      ? { code: 'internal', msg: `injected ${fault.status}` }
      : request.kind === 'blob'
        ? `<?xml version="1.0" encoding="utf-8"?><Error><Code>Injected</Code><Message>injected ${fault.status}</Message></Error>`
        : fault.status === 403
          ? {
              message: 'Resource not accessible by integration',
              documentation_url: 'https://docs.github.com/rest',
              status: '403',
            }
          : { message: `Injected ${fault.status}`, documentation_url: 'https://docs.github.com/rest' };
  const baseHeaders = request.kind === 'rest' ? restHeaders() : { 'content-type': 'application/json' };
  if (request.kind === 'blob') baseHeaders['content-type'] = 'application/xml';
  return { status: fault.status, headers: { ...baseHeaders, ...fault.headers }, body: fault.body ?? defaultBody };
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const [owner, name, ...extra] = (opts.repository ?? 'octo-org/service').split('/');
  if (!owner || !name || extra.length > 0) {
    throw new Error(`startFakeGitHub: repository '${opts.repository}' is not of the form owner/name`);
  }
  const state = new FakeState(opts.now ?? (() => new Date()));
  const repo = state.addRepo({
    owner,
    name,
    ...(opts.repositoryId !== undefined ? { id: opts.repositoryId } : {}),
    ...(opts.defaultBranch !== undefined ? { defaultBranch: opts.defaultBranch } : {}),
  });
  const token = opts.token ?? `ghs_fake${randomBytes(16).toString('hex')}`;
  const tokens = new Map<string, TokenIdentity>([[token, { user: BOT_USER, installation: true }]]);
  const serverUrl = opts.serverUrl ?? 'https://github.com';
  const requests: RecordedRequest[] = [];
  const unhandledRequests: RecordedRequest[] = [];
  const faults: ActiveFault[] = [];
  let baseUrl = '';
  const artifactService = new ArtifactService(state, () => baseUrl);
  const restContext = (viewer: TokenIdentity) => ({
    state,
    apiUrl: baseUrl,
    serverUrl,
    blobDownloadUrl: (artifact: ArtifactRecord) => artifactService.downloadUrl(artifact),
    viewer,
  });

  const route = (call: Call, request: RecordedRequest): Reply => {
    const fault = faults.find((f) => f.remaining > 0 && matches(f.matcher, request));
    if (fault) {
      fault.remaining--;
      fault.hits++;
      request.injected = true;
      return injectedReply(request, fault.fault);
    }
    if (request.kind === 'blob') return artifactService.handleBlob(call);
    if (request.kind === 'twirp') {
      const scope = parseRuntimeToken(bearer(call.headers) ?? '');
      if (!scope) {
        return {
          status: 401,
          headers: { 'content-type': 'application/json' },
          body: { code: 'unauthenticated', msg: 'no runtime token with an Actions.Results scope' },
        };
      }
      return artifactService.handleTwirp(call, scope);
    }
    const viewer = tokens.get(bearer(call.headers) ?? '');
    if (!viewer) {
      return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    const reply = handleRest(call, restContext(viewer));
    if (reply) return reply;
    unhandledRequests.push(request);
    return notFound();
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        status: 0,
        injected: false,
        kind: kindOf(url.pathname),
      };
      requests.push(request);
      let reply: Reply;
      try {
        reply = route({ method: request.method, url, headers: req.headers, body }, request);
      } catch (error) {
        // A bug in the fake must show as a failing answer, not a hung client.
        reply = json(500, { message: `fake-github crashed: ${(error as Error).stack ?? String(error)}` });
      }
      request.status = reply.status;
      write(res, reply);
    })().catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeGitHub = {
    url: baseUrl,
    token,
    repo,
    serverUrl,
    requests,
    uploads: artifactService.finalized,
    state,
    clientEnv({ runId, jobId = 1 }) {
      return {
        GITHUB_API_URL: baseUrl,
        GITHUB_GRAPHQL_URL: `${baseUrl}/graphql`,
        GITHUB_SERVER_URL: serverUrl,
        ACTIONS_RESULTS_URL: `${baseUrl}/`,
        ACTIONS_RUNTIME_TOKEN: makeRuntimeToken(runId, jobId),
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      };
    },
    addRepo: (input) => state.addRepo(input),
    addRun: (input = {}) => state.addRun(input, repo),
    addArtifact: (input) => state.addArtifact(input),
    addPull: (input) => state.addPull(input, repo),
    addComment: (prNumber, input) => {
      if (!state.pull(repo.id, prNumber)) {
        throw new Error(`fake-github: addComment: pull request #${prNumber} is unknown; call addPull first`);
      }
      return state.addComment(repo.id, prNumber, input);
    },
    setLabels: (prNumber, labels) => {
      const pull = state.pull(repo.id, prNumber);
      if (!pull) throw new Error(`fake-github: setLabels: pull request #${prNumber} is unknown; call addPull first`);
      pull.labels = [...labels];
    },
    setBranch: (name, sha) => state.setBranch(repo.id, name, sha),
    addToken(user, { installation = false } = {}) {
      const added = `${installation ? 'ghs' : 'ghp'}_fake${randomBytes(16).toString('hex')}`;
      tokens.set(added, { user, installation });
      return added;
    },
    rerun: (runId) => state.rerun(runId),
    comments: (prNumber) => state.commentsOf(repo.id, prNumber),
    artifacts: (artifactName) =>
      state.artifactsOf(repo.id).filter((a) => artifactName === undefined || a.name === artifactName),
    artifactFiles: (artifactId) => {
      const artifact = state.artifactById(artifactId);
      if (!artifact) throw new Error(`fake-github: artifactFiles: no artifact ${artifactId}`);
      return readZip(artifact.zip);
    },
    runs: () => [...state.runs],
    pull: (prNumber) => state.pull(repo.id, prNumber),
    fail(matcher, fault) {
      const active: ActiveFault = { matcher, fault, remaining: fault.times ?? 1, hits: 0 };
      faults.push(active);
      return {
        get remaining() {
          return active.remaining;
        },
        get hits() {
          return active.hits;
        },
        cancel() {
          active.remaining = 0;
        },
      };
    },
    unhandled: () => [...unhandledRequests],
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of the clients would hold close() open otherwise.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}
