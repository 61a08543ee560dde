def log = new File(basedir, 'build.log').text

assert log.contains("timeout (zerocred.timeout) must be a duration like 90s, 10m or 1h, got 'soon'")
assert log.contains('BUILD FAILURE')
assert !log.contains('Claude Code started')
true
