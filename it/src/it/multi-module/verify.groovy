// Three projects inherit the bound execution; exactly one review runs, in the root.
def log = new File(basedir, 'build.log').text

assert log.count('Claude Code started in') == 1
assert (log =~ /zerocred: success: /).size() == 1
assert log.contains('Skipping the zerocred review in module-a: it runs once per build')
assert log.contains('Skipping the zerocred review in module-b: it runs once per build')
assert new File(basedir, 'target/zerocred/review.md').exists()
assert !new File(basedir, 'module-a/target/zerocred').exists()
assert !new File(basedir, 'module-b/target/zerocred').exists()
assert !log.contains(token)
true
