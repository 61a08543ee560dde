package io.github.zerocred.run;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.LogConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the container may write on the host, whatever it prints or stores: its log (json-file,
 * rotated, a few files at most), its home directory, {@code /tmp} and {@code /var/tmp}
 * (size-limited tmpfs, which also count against the memory limit), and its writable layer (the
 * workspace copy and anything else it writes) where the storage driver can bound it.
 *
 * <p>Hostile input: everything the agent writes to its stdout/stderr (the engine's log file) and to
 * disk. Without these limits one {@code yes > /tmp/x} fills the runner's disk.
 */
final class ContainerLimits {
  /** Each log file's size, and how many the engine keeps: at most 64 MiB of log per run. */
  static final String LOG_MAX_SIZE = "16m";

  static final String LOG_MAX_FILES = "4";

  /** The most a scratch tmpfs may hold; smaller when the memory limit is small. */
  static final long MAX_SCRATCH_BYTES = 512L * 1024 * 1024;

  /** Room for what Claude and its tools write, beyond the workspace copy, in the writable layer. */
  static final long WRITABLE_LAYER_HEADROOM = 2L * 1024 * 1024 * 1024;

  private ContainerLimits() {}

  /** The tmpfs size for home and {@code /tmp}: a quarter of the memory limit, at most 512 MiB. */
  static long scratchBytes(long memoryBytes) {
    return Math.max(16L * 1024 * 1024, Math.min(MAX_SCRATCH_BYTES, memoryBytes / 4));
  }

  /**
   * Size-limited tmpfs mounts. Files copied in with the copy API before the start would be hidden
   * by a tmpfs mounted over them, so the home directory's initial files come in under {@code
   * /etc/zerocred/home} and the entry point copies them over.
   */
  static Map<String, String> tmpfs(String home, int uid, long memoryBytes) {
    long size = scratchBytes(memoryBytes);
    Map<String, String> mounts = new LinkedHashMap<>();
    // exec: tools (and Claude Code's own caches) may run what they unpack there; nosuid, nodev.
    mounts.put(home, "rw,exec,nosuid,nodev,size=" + size + ",mode=0700,uid=" + uid + ",gid=" + uid);
    mounts.put("/tmp", "rw,exec,nosuid,nodev,size=" + size + ",mode=1777");
    mounts.put("/var/tmp", "rw,exec,nosuid,nodev,size=" + size / 4 + ",mode=1777");
    return mounts;
  }

  static LogConfig logConfig() {
    return new LogConfig(
        LogConfig.LoggingType.JSON_FILE,
        Map.of("max-size", LOG_MAX_SIZE, "max-file", LOG_MAX_FILES));
  }

  /**
   * The writable layer's size limit ({@code --storage-opt size=}), where the engine's storage
   * driver supports one: overlay2 on xfs (which also needs the {@code pquota} mount option; the
   * engine refuses the container otherwise and the run goes on without the limit), devicemapper,
   * btrfs and zfs. Empty elsewhere, such as overlay2 on ext4, the most common set-up.
   */
  static Optional<String> writableLayerSize(Info info, long workspaceBytes) {
    if (info == null || info.getDriver() == null) {
      return Optional.empty();
    }
    String driver = info.getDriver().toLowerCase(Locale.ROOT);
    boolean supported =
        switch (driver) {
          case "devicemapper", "btrfs", "zfs" -> true;
          case "overlay2" -> "xfs".equalsIgnoreCase(backingFilesystem(info));
          default -> false;
        };
    if (!supported) {
      return Optional.empty();
    }
    long bytes = workspaceBytes + WRITABLE_LAYER_HEADROOM;
    // Whole mebibytes: every driver parses that form.
    return Optional.of((bytes + (1 << 20) - 1) / (1 << 20) + "M");
  }

  private static String backingFilesystem(Info info) {
    List<List<String>> status = info.getDriverStatuses();
    if (status == null) {
      return "";
    }
    for (List<String> pair : status) {
      if (pair.size() == 2 && "Backing Filesystem".equals(pair.get(0))) {
        return pair.get(1);
      }
    }
    return "";
  }

  /** Whether a refused container creation was about the storage option. */
  static boolean isStorageOptRefusal(RuntimeException e) {
    String message = String.valueOf(DockerEngine.rootMessage(e)).toLowerCase(Locale.ROOT);
    return message.contains("storage-opt") || message.contains("storage opt");
  }

  /** Applies the limits that need nothing from the engine. */
  static HostConfig apply(HostConfig host, String home, int uid, long memoryBytes) {
    return host.withLogConfig(logConfig()).withTmpFs(tmpfs(home, uid, memoryBytes));
  }
}
