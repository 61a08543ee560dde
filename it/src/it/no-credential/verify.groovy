// The message says exactly how to provide a credential.
def log = new File(basedir, 'build.log').text

assert log.contains('No Anthropic credential for the zerocred review')
assert log.contains('<server><id>no-such-server</id><password>sk-ant-oat01-…</password></server>')
assert log.contains('mvn --encrypt-password')
assert log.contains('CLAUDE_CODE_OAUTH_TOKEN (made with `claude setup-token`) or ANTHROPIC_API_KEY')
assert log.contains('BUILD FAILURE')
assert !log.contains('Claude Code started')
assert new File(basedir, 'target/zerocred/review.md').text.contains('No review was produced')
true
