// Downloads artifacts of another run with the real @actions/artifact client
// (REST zip endpoint, then the blob URL it redirects to).
// Usage: FAKE_TOKEN=... node download-artifact.mjs <owner/repo> <runId> <artifactId>=<directory>...
import { DefaultArtifactClient } from '@actions/artifact';

const [repository, runId, ...downloads] = process.argv.slice(2);
const [repositoryOwner, repositoryName] = repository.split('/');
const client = new DefaultArtifactClient();
const results = [];
for (const download of downloads) {
  const [artifactId, directory] = download.split('=');
  results.push(
    await client.downloadArtifact(Number(artifactId), {
      path: directory,
      findBy: { token: process.env.FAKE_TOKEN, workflowRunId: Number(runId), repositoryOwner, repositoryName },
    }),
  );
}
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
