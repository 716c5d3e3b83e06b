package io.lrpipeline.localrun;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

/** Where the built services are in a repository checkout, and the command lines that start them. */
record ServiceLayout(Path home, String java) {
    static ServiceLayout of(Path home) {
        ServiceLayout layout = new ServiceLayout(home, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (Path required : List.of(layout.schedulerJar(), jar(home, "log-sink"), jar(home, "trainer"))) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalStateException(required + " is missing: build first with `mvn -DskipTests package` in " + home);
            }
        }
        return layout;
    }

    List<String> scheduler() {
        return List.of(java, "-Xmx384m", "-jar", schedulerJar().toString());
    }

    List<String> logSink(List<String> arguments) {
        return plainService("log-sink", "io.lrpipeline.logsink.LogSinkMain", "-Xmx384m", arguments);
    }

    /**
     * The trainer as {@code java -jar} with a heap of {@code heap} (Java's notation: 2g): its manifest names its
     * classpath and opens what Spark needs on Java 17.
     */
    List<String> trainer(String heap, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-jar", jar(home, "trainer").toString()));
        command.addAll(arguments);
        return command;
    }

    /**
     * A Spark standalone daemon ({@code spark-master} or {@code spark-worker}) from the trainer's jar, which holds
     * every class its executors run; the JVM options its manifest gives a {@code java -jar} are given here by hand.
     */
    List<String> sparkDaemon(String daemon, List<String> arguments) {
        String classpath = jar(home, "trainer") + File.pathSeparator + trainerLibrary() + File.separator + "*";
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(manifestOpens(jar(home, "trainer")));
        command.addAll(List.of("-cp", classpath, "io.lrpipeline.trainer.TrainerMain", daemon));
        command.addAll(arguments);
        return command;
    }

    /** The trainer's runtime jars: a Spark installation's {@code jars} for the local cluster's workers. */
    Path trainerLibrary() {
        return home.resolve("trainer/target/lib");
    }

    private static List<String> manifestOpens(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            String opens = file.getManifest().getMainAttributes().getValue("Add-Opens");
            return opens == null ? List.of() : Arrays.stream(opens.trim().split("\\s+")).map(p -> "--add-opens=" + p + "=ALL-UNNAMED").toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        }
    }

    private Path schedulerJar() {
        return home.resolve("scheduler-service/target/quarkus-app/quarkus-run.jar");
    }

    private List<String> plainService(String module, String mainClass, String heap, List<String> arguments) {
        String classpath = jar(home, module) + File.pathSeparator + home.resolve(module + "/target/lib/*");
        List<String> command = new ArrayList<>(List.of(java, heap, "-cp", classpath, mainClass));
        command.addAll(arguments);
        return command;
    }

    private static Path jar(Path home, String module) {
        return home.resolve(module + "/target/" + module + ".jar");
    }
}
