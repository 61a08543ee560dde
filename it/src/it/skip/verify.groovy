def log = new File(basedir, 'build.log').text

assert log.contains('Skipping the zerocred review: skip is true (zerocred.skip).')
assert !log.contains('Claude Code started')
assert !new File(basedir, 'target/zerocred').exists()
true
