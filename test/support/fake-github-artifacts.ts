import type { Call, Reply } from './fake-github-http.js';
import { parseJson } from './fake-github-http.js';
import type { ArtifactRecord, FakeState } from './fake-github-state.js';
import { randomSig, sha256Digest } from './fake-github-state.js';
import type { RuntimeScope } from './runtime-token.js';

// The results service @actions/artifact v2+ talks to: twirp JSON RPCs on
// ACTIONS_RESULTS_URL (snake_case proto field names, int64 as strings) and an
// Azure-style blob store behind signed URLs. Every RPC answers JSON: the client
// treats an unparsable body as retryable and backs off for seconds.

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';
/**
 * The Azure SDK treats an IP host as "path style": the first path segment is the
 * account, the second the container, the rest the blob name.
 */
export const BLOB_PREFIX = '/fakeaccount/artifacts/';

interface PendingUpload {
  runId: number;
  jobId: string;
  name: string;
  blobName: string;
  sig: string;
  expiresAt?: string;
  mimeType?: string;
  version?: number;
  /** Uncommitted blocks by their base64 id (Put Block). */
  blocks: Map<string, Buffer>;
  /** The blob as committed by Put Block List (or a single Put Blob). */
  committed?: Buffer;
}

export interface FinalizedUpload {
  artifactId: number;
  name: string;
  runId: number;
  size: number;
  hash?: string;
  mimeType?: string;
  version?: number;
  blockCount: number;
}

function twirpError(status: number, code: string, msg: string): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: { code, msg } };
}

function twirpOk(body: Record<string, unknown>): Reply {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** State of uploads in progress plus the RPC and blob handlers. */
export class ArtifactService {
  private readonly pending = new Map<string, PendingUpload>();
  private nextBlob = 1;
  /** Every finalized upload, in order, with what the client declared. */
  readonly finalized: FinalizedUpload[] = [];

  constructor(
    private readonly state: FakeState,
    private readonly baseUrl: () => string,
  ) {}

  /** The signed URL that serves an artifact's zip. */
  downloadUrl(artifact: ArtifactRecord): string {
    return `${this.baseUrl()}${BLOB_PREFIX}artifact-${artifact.id}.zip?sig=${artifact.downloadSig}&sv=2023-11-03&sr=b&sp=r`;
  }

  handleTwirp(call: Call, scope: RuntimeScope): Reply {
    const method = call.url.pathname.slice(TWIRP_PREFIX.length);
    if (call.method !== 'POST') return twirpError(404, 'bad_route', `${call.method} is not supported`);
    const req = parseJson(call.body);
    if (typeof req !== 'object' || req === null) {
      return twirpError(400, 'malformed', 'the request body is not a JSON object');
    }
    const body = req as Record<string, unknown>;
    const runIdText = str(body.workflow_run_backend_id);
    const jobId = str(body.workflow_job_run_backend_id);
    // The client deletes an artifact by the ids ListArtifacts gave for it: the job that uploaded it,
    // which after "Re-run jobs" is an earlier attempt's job, not the token's. The run must match.
    const deletesOnRun = method === 'DeleteArtifact' && runIdText === scope.runId;
    if (runIdText !== scope.runId || (jobId !== scope.jobId && !deletesOnRun)) {
      return twirpError(
        403,
        'permission_denied',
        `workflow_run_backend_id/workflow_job_run_backend_id ${runIdText}/${jobId} do not match the token's ${scope.runId}/${scope.jobId}`,
      );
    }
    const run = this.state.runById(Number(runIdText));
    if (!run) {
      return twirpError(404, 'not_found', `workflow run ${runIdText} is unknown to the fake server; call addRun first`);
    }
    switch (method) {
      case 'CreateArtifact':
        return this.create(run.id, scope.jobId, body);
      case 'FinalizeArtifact':
        return this.finalize(run.id, body);
      case 'ListArtifacts':
        return this.list(run.id, body);
      case 'GetSignedArtifactURL':
        return this.signedUrl(run.id, body);
      case 'DeleteArtifact':
        return this.remove(run.id, body);
      default:
        return twirpError(404, 'bad_route', `no method ${method}`);
    }
  }

  private create(runId: number, jobId: string, body: Record<string, unknown>): Reply {
    const name = str(body.name);
    if (!name) return twirpError(400, 'invalid_argument', 'name is required');
    const existing = this.state.artifacts.find((a) => a.workflowRun.id === runId && a.name === name);
    if (existing) {
      // GitHub's answer when a re-run (same run id) uploads a name an earlier attempt used.
      return twirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
    }
    const upload: PendingUpload = {
      runId,
      jobId,
      name,
      blobName: `upload-${this.nextBlob++}`,
      sig: randomSig(),
      blocks: new Map(),
    };
    const expiresAt = str(body.expires_at);
    if (expiresAt !== undefined) upload.expiresAt = expiresAt;
    const mimeType = str(body.mime_type);
    if (mimeType !== undefined) upload.mimeType = mimeType;
    if (typeof body.version === 'number') upload.version = body.version;
    this.pending.set(`${runId}/${name}`, upload);
    const url = `${this.baseUrl()}${BLOB_PREFIX}${upload.blobName}?sig=${upload.sig}&sv=2023-11-03&sr=b&sp=cw`;
    return twirpOk({ ok: true, signed_upload_url: url });
  }

  private finalize(runId: number, body: Record<string, unknown>): Reply {
    const name = str(body.name) ?? '';
    const upload = this.pending.get(`${runId}/${name}`);
    if (!upload) return twirpError(404, 'not_found', `no upload of ${name} was created on run ${runId}`);
    if (!upload.committed) return twirpError(400, 'failed_precondition', `the blob of ${name} was never committed`);
    const size = str(body.size);
    if (size !== String(upload.committed.length)) {
      return twirpError(400, 'invalid_argument', `size ${size} differs from the ${upload.committed.length} bytes uploaded`);
    }
    const hash = str(body.hash);
    if (hash !== undefined && hash !== sha256Digest(upload.committed)) {
      return twirpError(400, 'invalid_argument', `hash ${hash} differs from the uploaded blob's ${sha256Digest(upload.committed)}`);
    }
    const run = this.state.runById(runId);
    if (!run) return twirpError(404, 'not_found', `workflow run ${runId} disappeared`);
    const artifact = this.state.storeArtifact(run, name, upload.committed, {
      jobId: upload.jobId,
      ...(upload.expiresAt ? { expiresAt: upload.expiresAt } : {}),
    });
    this.pending.delete(`${runId}/${name}`);
    const finalized: FinalizedUpload = {
      artifactId: artifact.id,
      name,
      runId,
      size: upload.committed.length,
      blockCount: upload.blocks.size,
    };
    if (hash !== undefined) finalized.hash = hash;
    if (upload.mimeType !== undefined) finalized.mimeType = upload.mimeType;
    if (upload.version !== undefined) finalized.version = upload.version;
    this.finalized.push(finalized);
    return twirpOk({ ok: true, artifact_id: String(artifact.id) });
  }

  private list(runId: number, body: Record<string, unknown>): Reply {
    const nameFilter = str(body.name_filter);
    const idFilter = str(body.id_filter);
    const artifacts = this.state.artifacts
      .filter((a) => a.workflowRun.id === runId && !this.state.isExpired(a))
      .filter((a) => nameFilter === undefined || a.name === nameFilter)
      .filter((a) => idFilter === undefined || String(a.id) === idFilter)
      .map((a) => ({
        workflow_run_backend_id: String(a.workflowRun.id),
        workflow_job_run_backend_id: a.jobId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.sizeInBytes),
        created_at: a.createdAt,
        digest: a.digest,
      }));
    return twirpOk({ artifacts });
  }

  private findOnRun(runId: number, body: Record<string, unknown>): ArtifactRecord | undefined {
    const name = str(body.name);
    return this.state.artifacts.find((a) => a.workflowRun.id === runId && a.name === name);
  }

  private signedUrl(runId: number, body: Record<string, unknown>): Reply {
    const artifact = this.findOnRun(runId, body);
    if (!artifact) return twirpError(404, 'not_found', `no artifact ${str(body.name)} on run ${runId}`);
    return twirpOk({ signed_url: this.downloadUrl(artifact) });
  }

  private remove(runId: number, body: Record<string, unknown>): Reply {
    const artifact = this.findOnRun(runId, body);
    if (!artifact) return twirpError(404, 'not_found', `no artifact ${str(body.name)} on run ${runId}`);
    const jobId = str(body.workflow_job_run_backend_id);
    if (jobId !== artifact.jobId) {
      return twirpError(404, 'not_found', `no artifact ${str(body.name)} of job ${jobId} on run ${runId} (it belongs to job ${artifact.jobId})`);
    }
    this.state.artifacts.splice(this.state.artifacts.indexOf(artifact), 1);
    return twirpOk({ ok: true, artifact_id: String(artifact.id) });
  }

  handleBlob(call: Call): Reply {
    const blobName = call.url.pathname.slice(BLOB_PREFIX.length);
    const sig = call.url.searchParams.get('sig');
    const download = /^artifact-(\d+)\.zip$/.exec(blobName);
    if (download) {
      const artifact = this.state.artifactById(Number(download[1]));
      if (!artifact) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
      if (sig !== artifact.downloadSig) return azureError(403, 'AuthenticationFailed', 'Signature did not match.');
      if (call.method !== 'GET') return azureError(405, 'UnsupportedHttpVerb', `${call.method} on a download URL`);
      return {
        status: 200,
        headers: {
          'content-type': 'application/zip',
          'x-ms-blob-type': 'BlockBlob',
          etag: `"0x${artifact.id.toString(16)}"`,
        },
        body: artifact.zip,
      };
    }
    const upload = [...this.pending.values()].find((u) => u.blobName === blobName);
    if (!upload) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
    if (sig !== upload.sig) return azureError(403, 'AuthenticationFailed', 'Signature did not match.');
    if (call.method !== 'PUT') return azureError(405, 'UnsupportedHttpVerb', `${call.method} on an upload URL`);

    const comp = call.url.searchParams.get('comp');
    if (comp === 'block') {
      const blockId = call.url.searchParams.get('blockid');
      if (!blockId) return azureError(400, 'InvalidQueryParameterValue', 'blockid is required');
      upload.blocks.set(blockId, call.body);
      return created();
    }
    if (comp === 'blocklist') {
      const ids = [...call.body.toString('utf8').matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map(
        (m) => m[2] ?? '',
      );
      const parts: Buffer[] = [];
      for (const id of ids) {
        const block = upload.blocks.get(id);
        if (!block) return azureError(400, 'InvalidBlockList', `block ${id} was never staged`);
        parts.push(block);
      }
      upload.committed = Buffer.concat(parts);
      return created();
    }
    if (comp === null) {
      // Put Blob in one request (the SDK's small-file path).
      upload.committed = call.body;
      return created();
    }
    return azureError(400, 'InvalidQueryParameterValue', `comp=${comp} is not supported by the fake`);
  }
}

function created(): Reply {
  return {
    status: 201,
    headers: {
      etag: `"0x${Date.now().toString(16)}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-server-encrypted': 'true',
      'x-ms-version': '2023-11-03',
    },
  };
}

function azureError(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}
