package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Info;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerLimitsTest {
  private static Info info(String driver, String backing) {
    return new Info()
        .withDriver(driver)
        .withDriverStatuses(List.of(List.of("Backing Filesystem", backing)));
  }

  @Test
  void writableLayerSize_isAskedForOnlyWhereTheStorageDriverCanEnforceIt() {
    long gib = 1024L * 1024 * 1024;
    assertThat(ContainerLimits.writableLayerSize(info("overlay2", "extfs"), gib)).isEmpty();
    assertThat(ContainerLimits.writableLayerSize(info("vfs", "extfs"), gib)).isEmpty();
    assertThat(ContainerLimits.writableLayerSize(info("overlay2", "xfs"), gib)).contains("3072M");
    assertThat(ContainerLimits.writableLayerSize(info("btrfs", "btrfs"), 1)).contains("2049M");
    assertThat(ContainerLimits.writableLayerSize(null, 0)).isEmpty();
  }

  @Test
  void scratchTmpfs_isAQuarterOfTheMemoryLimit_atMost512MiB() {
    assertThat(ContainerLimits.scratchBytes(1024L * 1024 * 1024)).isEqualTo(256L * 1024 * 1024);
    assertThat(ContainerLimits.scratchBytes(8L * 1024 * 1024 * 1024))
        .isEqualTo(ContainerLimits.MAX_SCRATCH_BYTES);
    assertThat(ContainerLimits.tmpfs("/home/claude", 1000, 1024L * 1024 * 1024))
        .containsEntry(
            "/home/claude", "rw,exec,nosuid,nodev,size=268435456,mode=0700,uid=1000,gid=1000")
        .containsKeys("/tmp", "/var/tmp");
  }
}
