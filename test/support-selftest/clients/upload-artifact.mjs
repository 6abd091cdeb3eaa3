// Uploads files with the real @actions/artifact client. It reads its
// configuration from the environment at import, hence a process of its own.
// Usage: node upload-artifact.mjs <name> <rootDirectory> <file>...
import { DefaultArtifactClient } from '@actions/artifact';

const [name, rootDirectory, ...files] = process.argv.slice(2);
const result = await new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
