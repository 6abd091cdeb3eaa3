// Lists every comment of a pull request with getOctokit from @actions/github
// (base URL from GITHUB_API_URL, read at import), then creates one comment and
// updates it. Usage: FAKE_TOKEN=... node octokit-comments.mjs <owner/repo> <prNumber>
import { getOctokit } from '@actions/github';

const [repository, prNumber] = process.argv.slice(2);
const [owner, repo] = repository.split('/');
const octokit = getOctokit(process.env.FAKE_TOKEN);
const comments = await octokit.paginate(octokit.rest.issues.listComments, {
  owner,
  repo,
  issue_number: Number(prNumber),
  per_page: 100,
});
const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: Number(prNumber), body: 'first' });
const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: created.data.id, body: 'second' });
process.stdout.write(
  `RESULT ${JSON.stringify({
    listed: comments.length,
    lastListedBody: comments.at(-1)?.body,
    createdId: created.data.id,
    createdStatus: created.status,
    updatedBody: updated.data.body,
    updatedUrl: updated.data.html_url,
  })}\n`,
);
