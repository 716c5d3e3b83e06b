package io.lrpipeline.localrun;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    List<String> trainer(List<String> arguments) {
        return plainService("trainer", "io.lrpipeline.trainer.TrainerMain", "-Xmx2g", arguments);
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
