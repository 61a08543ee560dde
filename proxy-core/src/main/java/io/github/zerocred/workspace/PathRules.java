package io.github.zerocred.workspace;

/** The paths git writes into an index: relative, no empty, {@code .}, {@code ..} or .git part. */
final class PathRules {
  private PathRules() {}

  /** Why {@code path[0, length)} is not a path git writes, or null when it is one. */
  static String problem(byte[] path, int length) {
    if (length == 0) {
      return "it is empty";
    }
    if (path[0] == '/') {
      return "it is absolute";
    }
    int start = 0;
    for (int i = 0; i <= length; i++) {
      if (i < length && path[i] != '/') {
        if (path[i] == 0) {
          return "it holds a NUL byte";
        }
        continue;
      }
      int n = i - start;
      if (n == 0) {
        return "it has an empty part";
      }
      if (n == 1 && path[start] == '.') {
        return "it has a '.' part";
      }
      if (n == 2 && path[start] == '.' && path[start + 1] == '.') {
        return "it has a '..' part";
      }
      if (n == 4
          && path[start] == '.'
          && (path[start + 1] | 0x20) == 'g'
          && (path[start + 2] | 0x20) == 'i'
          && (path[start + 3] | 0x20) == 't') {
        return "it has a .git part";
      }
      start = i + 1;
    }
    return null;
  }
}
