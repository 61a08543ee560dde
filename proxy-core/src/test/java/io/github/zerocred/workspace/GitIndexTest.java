package io.github.zerocred.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index reader, on indexes git wrote (git runs here only on repositories the test makes) and on
 * crafted ones: what a hostile checkout's {@code .git/index} could hold.
 */
class GitIndexTest {
  @TempDir Path dir;

  // --- indexes as git writes them ---

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void realGitIndex_ofEachVersion_listsTheTrackedPathsOnly(int version) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(repo.resolve("src/main"));
    Files.writeString(repo.resolve("src/main/App.java"), "class App {}");
    Files.writeString(repo.resolve("src/main/App-test.java"), "class T {}");
    Files.writeString(repo.resolve("README.md"), "hi");
    Files.writeString(repo.resolve("untracked.txt"), "no");
    git(repo, "init", "-q");
    git(repo, "add", "src", "README.md");
    git(repo, "update-index", "--index-version", Integer.toString(version));

    GitIndex.Tracked tracked = GitIndex.read(repo.resolve(".git/index"));

    // Git writes version 3 only when an entry has extended flags; otherwise it keeps 2.
    assertThat(tracked.version()).isEqualTo(version == 3 ? 2 : version);
    assertThat(tracked.objectFormat()).isEqualTo("sha1");
    assertThat(tracked.paths())
        .containsExactly("README.md", "src/main/App-test.java", "src/main/App.java");
  }

  @Test
  void realGitIndex_withIntentToAddAndSkipWorktree_keepsThoseEntries() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("a.txt"), "a");
    Files.writeString(repo.resolve("b.txt"), "b");
    git(repo, "init", "-q");
    git(repo, "add", "a.txt");
    git(repo, "add", "-N", "b.txt");
    git(repo, "update-index", "--skip-worktree", "a.txt");

    GitIndex.Tracked tracked = GitIndex.read(repo.resolve(".git/index"));

    assertThat(tracked.version()).isEqualTo(3);
    assertThat(tracked.paths()).containsExactly("a.txt", "b.txt");
  }

  @Test
  void realGitIndex_ofASha256Repository_isRead() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("a.txt"), "a");
    git(repo, "init", "-q", "--object-format=sha256");
    git(repo, "add", "a.txt");

    GitIndex.Tracked tracked = GitIndex.read(repo.resolve(".git/index"));

    assertThat(tracked.objectFormat()).isEqualTo("sha256");
    assertThat(tracked.paths()).containsExactly("a.txt");
  }

  // --- the forms git writes, built byte by byte ---

  @Test
  void version4_prefixCompression_restoresEachFullPath() throws Exception {
    GitIndex.Tracked tracked =
        read(
            IndexBytes.version(4)
                .file("src/main/java/A.java")
                .file("src/main/java/B.java")
                .file("src/main/resources/x.properties")
                .file("zz"));

    assertThat(tracked.paths())
        .containsExactly(
            "src/main/java/A.java",
            "src/main/java/B.java",
            "src/main/resources/x.properties",
            "zz");
  }

  @Test
  void sha256Index_andSkipHashZeroTrailer_areBothRead() throws Exception {
    assertThat(read(IndexBytes.version(2).sha256().file("a")).objectFormat()).isEqualTo("sha256");
    assertThat(read(IndexBytes.version(3).zeroTrailer().file("a")).paths()).containsExactly("a");
    GitIndex.Tracked sha256NoHash = read(IndexBytes.version(2).sha256().zeroTrailer().file("b"));
    assertThat(sha256NoHash.paths()).containsExactly("b");
    assertThat(sha256NoHash.objectFormat()).isEqualTo("sha256");
  }

  @Test
  void sparseDirectoryEntries_submodulesAndConflictStages_areCountedNotCopied() throws Exception {
    GitIndex.Tracked tracked =
        read(
            IndexBytes.version(3)
                .file("a")
                .entry("conflict", IndexBytes.REGULAR, 0, 1)
                .entry("conflict", IndexBytes.REGULAR, 0, 2)
                .entry("conflict", IndexBytes.REGULAR, 0, 3)
                .entry("docs/", IndexBytes.DIRECTORY, IndexBytes.SKIP_WORKTREE, 0)
                .entry("link", IndexBytes.SYMLINK, 0, 0)
                .entry("vendor/lib", IndexBytes.GITLINK, 0, 0)
                .extension("sdir", new byte[0])
                .extension("TREE", new byte[] {1, 2, 3}));

    assertThat(tracked.paths()).containsExactly("a", "conflict", "link");
    assertThat(tracked.sparseDirectories()).isEqualTo(1);
    assertThat(tracked.submodules()).isEqualTo(1);
  }

  @Test
  void aNameOf4095BytesOrMore_isReadToItsNul() throws Exception {
    // Names from 4,095 bytes on have 0xFFF in their flags instead of their length.
    String longName = "d/".repeat(1000) + "f".repeat(2095);
    String longer = "e/".repeat(1000) + "g".repeat(2096);
    assertThat(read(IndexBytes.version(2).file(longName).file(longer)).paths())
        .containsExactly(longName, longer);
  }

  // --- what a hostile checkout could hold ---

  @Test
  void splitIndex_isRefused_namingCoreSplitIndex() throws Exception {
    assertThatThrownBy(() -> read(IndexBytes.version(2).file("a").extension("link", new byte[20])))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("split index");
  }

  @Test
  void anUnknownRequiredExtension_isRefused_asGitRefusesIt() throws Exception {
    assertThatThrownBy(() -> read(IndexBytes.version(2).file("a").extension("evil", new byte[4])))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("extension");
  }

  @Test
  void aBadChecksum_isRefused() throws Exception {
    byte[] index = IndexBytes.version(2).file("a").bytes();
    index[index.length - 1] ^= 1;

    assertThatThrownBy(() -> read(index))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void aTruncatedIndex_atEveryLength_isRefusedWithoutReadingPastItsEnd() throws Exception {
    byte[] body = IndexBytes.version(4).file("src/a").file("src/b").body();
    for (int cut = 0; cut < body.length; cut++) {
      byte[] truncated = withTrailer(java.util.Arrays.copyOf(body, cut));
      assertThatThrownBy(() -> read(truncated))
          .as("cut at %d", cut)
          .isInstanceOf(GitIndexException.class);
    }
  }

  @Test
  void aHugeEntryCount_isRefusedBeforeAnythingIsAllocatedForIt() throws Exception {
    assertThatThrownBy(() -> read(IndexBytes.version(2).claimCount(-1).file("a")))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("4294967295 entries");
    assertThatThrownBy(() -> read(IndexBytes.version(2).claimCount(500_000).file("a")))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("more than its bytes can hold");
  }

  @Test
  void anOverlongName_isRefusedAtTheBound() throws Exception {
    String name = "x".repeat(GitIndex.MAX_PATH_BYTES + 1);
    assertThatThrownBy(() -> read(IndexBytes.version(2).file(name)))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("longer than the 4096 bytes");
    assertThatThrownBy(() -> read(IndexBytes.version(4).file(name)))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("longer than the 4096 bytes");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd",
        "a/../../b",
        "/etc/passwd",
        "a//b",
        "./a",
        "a/.",
        ".git/config",
        "sub/.GIT/hooks/pre-commit",
        "a/",
      })
  void pathsGitNeverWrites_refuseTheWholeIndex(String path) throws Exception {
    assertThatThrownBy(() -> read(IndexBytes.version(2).file(path)))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("entry 0 has a path git never writes")
        .hasMessageNotContaining(path);
  }

  @Test
  void version4_stripLongerThanThePreviousName_isAnUnderflowRefused() throws Exception {
    assertThatThrownBy(() -> read(withTrailer(v4Entry(1, "a"))))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("strips 1 bytes from a 0-byte name");
    // A varint that would grow past any path length is refused before it can overflow.
    byte[] huge = new byte[12];
    java.util.Arrays.fill(huge, (byte) 0xff);
    assertThatThrownBy(() -> read(withTrailer(v4EntryRaw(huge, "a"))))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("prefix length");
  }

  @Test
  void entriesOutOfOrder_areRefused() throws Exception {
    assertThatThrownBy(() -> read(IndexBytes.version(2).file("b").file("a")))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("out of order");
  }

  @Test
  void aDeclaredNameLengthThatDisagrees_isRefused() throws Exception {
    byte[] body = IndexBytes.version(2).file("abc").body();
    body[12 + 61] = 2; // the flags' low byte: name length 2 for a 3-byte name
    assertThatThrownBy(() -> read(withTrailer(body)))
        .isInstanceOf(GitIndexException.class)
        .hasMessageContaining("says its name has 2 bytes but it has 3");
  }

  @Test
  void paddingThatIsNotNul_extendedFlagsInVersion2_andOddModes_areRefused() throws Exception {
    byte[] padded = IndexBytes.version(2).file("abc").body();
    padded[12 + 62 + 3 + 1] = 'x'; // after the name's NUL
    assertThatThrownBy(() -> read(withTrailer(padded))).hasMessageContaining("padding");

    byte[] v2 = IndexBytes.version(3).entry("a", IndexBytes.REGULAR, 0x2000, 0).body();
    v2[7] = 2; // version 2, yet the entry has extended flags
    assertThatThrownBy(() -> read(withTrailer(v2))).hasMessageContaining("extended flags");

    assertThatThrownBy(() -> read(IndexBytes.version(2).entry("fifo", 010644, 0, 0)))
        .hasMessageContaining("mode 10644");
    assertThatThrownBy(() -> read(IndexBytes.version(2).entry("dir/", IndexBytes.DIRECTORY, 0, 0)))
        .hasMessageContaining("directory that is checked out");
  }

  @Test
  void versionsOtherThan2To4_andOtherSignatures_areRefused() throws Exception {
    byte[] v5 = IndexBytes.version(2).file("a").body();
    v5[7] = 5;
    assertThatThrownBy(() -> read(withTrailer(v5))).hasMessageContaining("version 5");
    byte[] other = IndexBytes.version(2).file("a").body();
    other[0] = 'X';
    assertThatThrownBy(() -> read(withTrailer(other))).hasMessageContaining("DIRC");
    assertThatThrownBy(() -> read(new byte[10])).hasMessageContaining("too short");
  }

  @Test
  void anExtensionClaimingMoreThanIsLeft_isRefused() throws Exception {
    byte[] body = IndexBytes.version(2).file("a").extension("TREE", new byte[4]).body();
    body[body.length - 5] = 0x7f; // the extension's size: far more than is left
    assertThatThrownBy(() -> read(withTrailer(body))).hasMessageContaining("extension");
  }

  @Test
  void anIndexThatIsALink_isNotFollowed() throws Exception {
    Path target = Files.write(dir.resolve("real-index"), IndexBytes.version(2).file("a").bytes());
    Path link = Files.createSymbolicLink(dir.resolve("index"), target);

    assertThatThrownBy(() -> GitIndex.read(link)).isInstanceOf(java.io.IOException.class);
  }

  // --- building and reading indexes and archives ---

  private GitIndex.Tracked read(IndexBytes index) throws Exception {
    return read(index.bytes());
  }

  private GitIndex.Tracked read(byte[] bytes) throws Exception {
    Path file = Files.write(dir.resolve("index-" + System.nanoTime()), bytes);
    return GitIndex.read(file);
  }

  private static byte[] withTrailer(byte[] body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(body);
    out.writeBytes(MessageDigest.getInstance("SHA-1").digest(body));
    return out.toByteArray();
  }

  private static byte[] v4Entry(long strip, String suffix) {
    return v4EntryRaw(IndexBytes.varint(strip), suffix);
  }

  private static byte[] v4EntryRaw(byte[] varint, String suffix) {
    ByteBuffer b = ByteBuffer.allocate(12 + 62 + varint.length + suffix.length() + 1);
    b.put("DIRC".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(1);
    b.put(new byte[24]).putInt(IndexBytes.REGULAR).put(new byte[12 + 20]);
    b.putShort((short) suffix.length());
    b.put(varint).put(suffix.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
    return b.array();
  }

  private static void git(Path repo, String... args) throws Exception {
    TestGit.run(repo, args);
  }
}
