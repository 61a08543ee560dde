// Docker trouble is an execution error whose message says how to get the image.
def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/zerocred')

assert log.contains('The zerocred review could not run: The image zerocred-no-such-image:never-built is not on the Docker engine')
assert log.contains('leave the image unset and zerocred builds its own runner image')
assert log.contains('BUILD FAILURE')
assert new File(out, 'review.md').text.contains('is not on the Docker engine')
assert new File(out, 'review.json').text.contains('"outcome" : "INFRASTRUCTURE_FAILURE"')
assert new File(out, 'audit.jsonl').exists()
assert !log.contains(token)
true
