// A real review: progress while it runs, the review and a summary at the end, the three files,
// and the test token nowhere in the log or the files.
def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/zerocred')

assert log.contains('[INFO] zerocred: ANTHROPIC_OAUTH_TOKEN from settings.xml server \'anthropic\'')
assert log =~ /zerocred: run [0-9a-f-]+: Claude Code started in /
assert log =~ /zerocred: turn 1: \d+ token\(s\) so far/
assert log.contains('Stand-in review: src/Counter.java line 7')
assert log =~ /zerocred: success: \d+ turn\(s\), \$[0-9.]+, [0-9.]+s, \d+ token\(s\)/
assert log.contains('BUILD SUCCESS')

assert new File(out, 'review.md').text.contains('Stand-in review: src/Counter.java line 7')
assert new File(out, 'review.json').text.contains('"outcome" : "SUCCESS"')
def audit = new File(out, 'audit.jsonl').readLines()
assert audit.any { it.contains('"host":"api.anthropic.com"') && it.contains('"credentialInjected":true') }

[log, new File(out, 'review.md').text, new File(out, 'review.json').text, audit.join('\n')].each {
  assert !it.contains(token)
}
true
