// Deletes an artifact of the current run by name with the real @actions/artifact client, through
// the runtime token alone (twirp ListArtifacts, then DeleteArtifact).
// Usage: node delete-artifact.mjs <name>
import { DefaultArtifactClient } from '@actions/artifact';

const [name] = process.argv.slice(2);
const result = await new DefaultArtifactClient().deleteArtifact(name);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
