package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A base image no runner image was built from yet: the offline Debian base of the test runner image
 * with a label of its own, so its id, and with it the runner image's derived tag, is new. It can
 * stand in for the default base ({@code debian:bookworm-slim}, which no registry here serves);
 * {@link #close} removes it, every runner image built from it, and puts back whatever held that
 * name before.
 */
final class FreshBase implements AutoCloseable {
  private final DockerClient docker;
  private final String id;
  private final String name;
  private final Optional<String> displaced;

  private FreshBase(DockerClient docker, String id, String name, Optional<String> displaced) {
    this.docker = docker;
    this.id = id;
    this.name = name;
    this.displaced = displaced;
  }

  /** A fresh base under {@code name} (e.g. {@code debian:bookworm-slim}). */
  static FreshBase as(TestDocker engine, String name) throws IOException {
    DockerClient docker = engine.client();
    String testImage = TestDocker.image();
    Map<String, String> labels = docker.inspectImageCmd(testImage).exec().getConfig().getLabels();
    String offlineBase = labels == null ? null : labels.get("zerocred.runner.base-id");
    assertThat(offlineBase)
        .as(
            "the test runner image %s is zerocred's own build (label zerocred.runner.base-id)",
            testImage)
        .isNotBlank();
    String dockerfile =
        "FROM " + offlineBase + "\nLABEL zerocred.test.base=\"" + UUID.randomUUID() + "\"\n";
    String built =
        docker
            .buildImageCmd(context(dockerfile))
            .withPull(false)
            .withRemove(true)
            .exec(new BuildImageResultCallback())
            .awaitImageId(2, TimeUnit.MINUTES);
    String id = docker.inspectImageCmd(built).exec().getId();
    Optional<String> displaced;
    try {
      displaced = Optional.ofNullable(docker.inspectImageCmd(name).exec().getId());
    } catch (NotFoundException e) {
      displaced = Optional.empty();
    }
    int colon = name.lastIndexOf(':');
    docker.tagImageCmd(id, name.substring(0, colon), name.substring(colon + 1)).withForce().exec();
    return new FreshBase(docker, id, name, displaced);
  }

  String id() {
    return id;
  }

  String name() {
    return name;
  }

  /** The runner images built from this base, by their label. */
  List<String> runnerImages() {
    return docker
        .listImagesCmd()
        .withLabelFilter(Map.of("zerocred.runner.base-id", id))
        .exec()
        .stream()
        .map(Image::getRepoTags)
        .filter(tags -> tags != null)
        .flatMap(tags -> List.of(tags).stream())
        .toList();
  }

  /** The verified-binary cache the test runner image was built with, shared by the tests. */
  static Path sharedCache() {
    String configured = System.getenv("ZEROCRED_CACHE_DIR");
    Path testbedCache =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : TestDocker.repositoryRoot().resolve("it/testbed/.cache");
    return testbedCache.resolve("zerocred");
  }

  @Override
  public void close() {
    for (Image image :
        docker.listImagesCmd().withLabelFilter(Map.of("zerocred.runner.base-id", id)).exec()) {
      removeQuietly(image.getId());
    }
    try {
      docker.removeImageCmd(name).withNoPrune(false).exec();
    } catch (RuntimeException e) {
      // already gone
    }
    displaced.ifPresent(
        old -> {
          int colon = name.lastIndexOf(':');
          docker
              .tagImageCmd(old, name.substring(0, colon), name.substring(colon + 1))
              .withForce()
              .exec();
        });
    removeQuietly(id);
  }

  private void removeQuietly(String image) {
    try {
      docker.removeImageCmd(image).withForce(true).exec();
    } catch (RuntimeException e) {
      // already gone, or still used by another tag: nothing of this test's is left then
    }
  }

  private static ByteArrayInputStream context(String dockerfile) throws IOException {
    byte[] bytes = dockerfile.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      TarArchiveEntry e = new TarArchiveEntry("Dockerfile");
      e.setSize(bytes.length);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
    }
    return new ByteArrayInputStream(bytes.length == 0 ? new byte[0] : out.toByteArray());
  }
}
